/** Mantine's theme, adjusted so text reaches WCAG AA contrast (axe fails several of Mantine's defaults). */
import { createTheme, CSSVariablesResolver, darken, defaultVariantColorsResolver, parseThemeColor, VariantColorsResolver } from '@mantine/core';

/** Text of light variants (badges, active links, light buttons): shade 9 of its color, darkened (green, orange and yellow 9 alone stay under 4.5:1 on their tint). */
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant !== 'light') return colors;
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  return parsed.isThemeColor ? { ...colors, color: darken(input.theme.colors[parsed.color][9], 0.4) } : colors;
};

// Shade 8: white on filled buttons reaches 4.5:1 (shade 6, the default, does not).
export const theme = createTheme({ primaryShade: 8, variantColorResolver, respectReducedMotion: true });

/** Secondary ("dimmed") text and input descriptions in gray 7 rather than gray 6; errors under inputs in red 9 (red 6 is 3.3:1 on white). */
export const cssVariablesResolver: CSSVariablesResolver = (current) => ({
  variables: {},
  light: { '--mantine-color-dimmed': current.colors.gray[7], '--mantine-color-error': current.colors.red[9] },
  dark: {},
});
