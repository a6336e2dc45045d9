// First-start seed (placeholder until the demo account lands): does nothing yet.
export {};
