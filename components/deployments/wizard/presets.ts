import { PRESET_DEFAULTS, type TPreset } from "@/lib/deployments/schema";

export const PRESET_CHOICES: readonly { value: TPreset; label: string; help: string }[] = [
  { value: "chat", label: "Standard chat", help: "Prefix caching for shared system prompts." },
  {
    value: "long-context",
    label: "Long context",
    help: "Chunked prefill so long prompts do not stall others; fewer sequences at once.",
  },
  { value: "multimodal", label: "Multimodal", help: "Up to 2 images per prompt; fewer sequences at once." },
  { value: "custom", label: "Custom", help: "Fills nothing: vLLM's own defaults apply." },
];

/** What a preset fills when its field is left empty, in the operator's words. */
export function presetFills(preset: TPreset): string[] {
  const d = PRESET_DEFAULTS[preset];
  return [
    d.maxModelLen !== undefined && `max-model-len ${d.maxModelLen}`,
    d.gpuMemoryUtilization !== undefined && `gpu-memory-utilization ${d.gpuMemoryUtilization}`,
    ...(d.extraArgs.length > 0 ? [d.extraArgs.join(" ")] : []),
  ].filter((x): x is string => typeof x === "string");
}

export function presetLabel(preset: TPreset): string {
  return PRESET_CHOICES.find((c) => c.value === preset)?.label ?? preset;
}
