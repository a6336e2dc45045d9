// The pages the transform mails' links open (/account/transform/confirm|reject/{account}/{token},
// /account/transform/cancel/{token}). A GET changes nothing (link scanners open mails); the
// answer is the button's POST, carrying the token (only its hash is stored).
import { CancelTransform, TransformAnswer } from "@/components/organizations/transform-answer";
import { requireUser } from "@/lib/session";

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

export async function TransformLinkPage({ params, answer }: { params: Promise<{ account?: string; token: string }>; answer: "confirm" | "reject" | "cancel" }) {
  const { account = "", token } = await params;
  await requireUser(answer === "cancel" ? `/account/transform/cancel/${token}` : `/account/transform/${answer}/${account}/${token}`);
  const name = decode(account);
  return (
    <div className="max-w-2xl space-y-4">
      <h1 className="text-3xl font-light">Transform Account</h1>
      {answer === "cancel" ? (
        <>
          <p>You have a pending request to transform your account into an organization.</p>
          <CancelTransform token={decode(token)} />
        </>
      ) : (
        <>
          <p>{`You have been asked to become the administrator of account '${name}', which is being transformed into an organization.`}</p>
          <TransformAnswer account={name} token={decode(token)} only={answer === "confirm" ? "accept" : "reject"} />
        </>
      )}
    </div>
  );
}
