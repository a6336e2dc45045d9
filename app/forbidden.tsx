// nuget.org's answer to a signed-in user who may not see a page (its 403), in its words.
// Pages call forbidden() from next/navigation; Next renders this with the 403 status.
export default function Forbidden() {
  return (
    <div className="max-w-5xl">
      <h1 className="text-3xl font-light">User is not authorized</h1>
    </div>
  );
}
