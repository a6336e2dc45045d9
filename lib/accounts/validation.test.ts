import { describe, expect, it } from "vitest";
import { changePasswordSchema, formText, signInSchema } from "./validation";

describe("formText", () => {
  it("turns whatever was posted into text: missing, files and oversized values are harmless", () => {
    const form = new FormData();
    form.set("login", new Blob(["file content"]), "x.txt");
    form.set("password", "p".repeat(100_000));
    form.append("twice", "first");
    form.append("twice", "second");
    expect(formText(form, "login")).toBe("");
    expect(formText(form, "missing")).toBe("");
    expect(formText(form, "twice")).toBe("first");
    expect(formText(form, "password").length).toBeLessThanOrEqual(4096);
    expect(formText(form, "password")).toBe("p".repeat(4096));
    expect(formText("not a form", "login")).toBe("");
  });
  it("an oversized password ends in the sign-in message, not an error", () => {
    const r = signInSchema.safeParse({ login: "someone", password: "p".repeat(4096) });
    expect(r.error?.issues[0].message).toBe("The username or password provided is incorrect.");
  });
});

describe("changePasswordSchema", () => {
  it("wants the new password twice", () => {
    const r = changePasswordSchema.safeParse({ currentPassword: "old-password", newPassword: "new-password", confirmPassword: "other-password" });
    expect(r.error?.issues.map((i) => [i.path[0], i.message])).toEqual([["confirmPassword", "The new passwords do not match."]]);
  });
});
