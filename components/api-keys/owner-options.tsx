// The Package Owner select's choices, as nuget.org lists them (API Keys wizard, Trusted Publishing):
// the placeholder, then the user and their organizations.
export function OwnerOptions({ owners }: { owners: readonly string[] }) {
  return (
    <>
      <option value="">Select an owner...</option>
      {owners.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </>
  );
}
