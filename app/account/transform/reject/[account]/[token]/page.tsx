// GET /account/transform/reject/{account}/{token}: the proposed admin's decline link (see TransformLinkPage).
import type { Metadata } from "next";
import { TransformLinkPage } from "@/components/organizations/transform-link-page";

export const metadata: Metadata = { title: "Transform Account" };

export default function Page({ params }: { params: Promise<{ account: string; token: string }> }) {
  return <TransformLinkPage params={params} answer="reject" />;
}
