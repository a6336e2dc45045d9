// GET /account/transform/confirm/{account}/{token}: the proposed admin's accept link (see TransformLinkPage).
import type { Metadata } from "next";
import { TransformLinkPage } from "@/components/organizations/transform-link-page";

export const metadata: Metadata = { title: "Transform Account" };

export default function Page({ params }: { params: Promise<{ account: string; token: string }> }) {
  return <TransformLinkPage params={params} answer="confirm" />;
}
