// GET /packages/{id}/owners/{username}/confirm/{token}: an ownership mail's link (see OwnershipLinkPage).
import type { Metadata } from "next";
import { OwnershipLinkPage } from "@/components/packages/ownership-link-page";

export const metadata: Metadata = { title: "Confirm Ownership" };

export default function Page({ params }: { params: Promise<{ id: string; username: string; token: string }> }) {
  return <OwnershipLinkPage params={params} link="confirm" />;
}
