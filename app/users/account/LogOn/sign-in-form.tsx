"use client";
import { useActionState } from "react";
import { signInAction, type SignInState } from "./actions";

export function SignInForm({ returnUrl }: { returnUrl: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="returnUrl" value={returnUrl} />
      <div>
        <label htmlFor="login" className="block font-semibold">Username or email</label>
        <input id="login" name="login" defaultValue={state.login} required className="w-full rounded border border-gray-400 px-2 py-1" />
      </div>
      <div>
        <label htmlFor="password" className="block font-semibold">Password</label>
        <input id="password" name="password" type="password" required className="w-full rounded border border-gray-400 px-2 py-1" />
      </div>
      {state.error ? <p role="alert" className="text-red-700">{state.error}</p> : null}
      <button type="submit" disabled={pending} className="rounded bg-nuget-blue px-4 py-1.5 text-white">Sign in</button>
    </form>
  );
}
