import next from "eslint-config-next";

export default [
  { ignores: ["lib/generated/**", ".next/**", "dist/**", "node_modules/**", "next-env.d.ts", "test-results/**", "playwright-report/**"] },
  ...next,
];
