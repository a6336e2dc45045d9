// The wizard's text inputs and selects as nuget.org draws them: square, 34 px high, grey border.
export const wizardInput = "mt-1 block h-[34px] w-full border border-[#8a8886] bg-white px-3 text-base";
