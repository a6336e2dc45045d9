/** A nuget.org section this site does not have: it answers, never 404s. */
export function NotHere({ title }: { title: string }) {
  return (
    <div className="space-y-3">
      <h1 className="text-3xl font-light">{title}</h1>
      <p>{title} is not part of this site: it manages accounts and API keys and accepts pushes from NuGet clients.</p>
    </div>
  );
}
