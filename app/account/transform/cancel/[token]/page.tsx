// GET /account/transform/cancel/{token}: the requester's cancel link (see TransformLinkPage).
import type { Metadata } from "next";
import { TransformLinkPage } from "@/components/organizations/transform-link-page";

export const metadata: Metadata = { title: "Transform Account" };

export default function Page({ params }: { params: Promise<{ token: string }> }) {
  return <TransformLinkPage params={params} answer="cancel" />;
}
