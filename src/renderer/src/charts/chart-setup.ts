/**
 * chart.js with only the pieces the console uses (tree-shaken): bars and lines on a category or a
 * linear axis, with tooltips and a legend. Colours come from the stylesheet, so charts follow the
 * light or dark theme.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);

export { Chart };

export interface ThemeColours {
  text: string;
  muted: string;
  grid: string;
  accent: string;
  gap: string;
  previous: string;
  series: string[];
}

const css = (name: string, fallback: string): string =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** The current theme's colours, read from the CSS custom properties. */
export function themeColours(): ThemeColours {
  return {
    text: css('--text', '#1c2430'),
    muted: css('--muted', '#5d6878'),
    grid: css('--line', '#dde1e7'),
    accent: css('--accent', '#1f6fd1'),
    gap: css('--gap', 'rgba(152, 162, 176, 0.18)'),
    previous: css('--previous', '#8a6d3b'),
    series: Array.from({ length: 11 }, (_, i) => css(`--series-${i}`, '#1f6fd1')),
  };
}

/** Calls back whenever the system switches between light and dark. */
export function onThemeChange(listener: () => void): () => void {
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}
