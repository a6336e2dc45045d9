import Link from "next/link";
import { getOptionalUser } from "@/lib/session";

// Must answer 200 without redirecting: NuGet 2.8.7 probes GET / before a push with -Source BASE/.
export default async function Home() {
  const user = await getOptionalUser();
  return (
    <div className="space-y-4">
      <h1 className="text-3xl font-light">NuGet Gallery API keys</h1>
      <p>
        Create scoped API keys, copy each one exactly once, and push, unlist and relist packages with
        them from any NuGet client.
      </p>
      {user ? (
        <p>
          <Link href="/account/apikeys">Manage your API keys</Link>
        </p>
      ) : (
        <p>
          <Link href="/users/account/LogOn">Sign in</Link> or{" "}
          <Link href="/users/account/Register">register</Link> to manage your API keys.
        </p>
      )}
    </div>
  );
}
