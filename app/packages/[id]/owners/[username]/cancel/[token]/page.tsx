// GET /packages/{id}/owners/{username}/cancel/{token}: an ownership mail's link (see OwnershipLinkPage).
import type { Metadata } from "next";
import { OwnershipLinkPage } from "@/components/packages/ownership-link-page";

export const metadata: Metadata = { title: "Cancel Ownership Request" };

export default function Page({ params }: { params: Promise<{ id: string; username: string; token: string }> }) {
  return <OwnershipLinkPage params={params} link="cancel" />;
}
