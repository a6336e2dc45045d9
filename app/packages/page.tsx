import { NotHere } from "@/components/layout/not-here";

export default function Packages() {
  return <NotHere title="Packages" />;
}
