/**
 * A small SVG line chart written from the measured numbers (no plotting dependency): one panel per measure, CRs on a
 * linear x axis (so a straight line means linear growth), one line per operator, each point labelled with its value.
 */

/** One operator's measured points of one measure. */
export interface Series {
  readonly name: string;
  readonly points: readonly { readonly crs: number; readonly value: number }[];
}

/** One panel: a measure and its series. */
export interface Panel {
  readonly title: string;
  readonly series: readonly Series[];
}

const colours = ['#1f77b4', '#d62728'];
const [width, height, left, right, top, bottom] = [340, 260, 52, 16, 34, 40];
const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

function panel(p: Panel, offsetX: number): string {
  const all = p.series.flatMap((s) => s.points);
  const xs = [...new Set(all.map((pt) => pt.crs))].sort((a, b) => a - b);
  const maxX = Math.max(1, ...xs);
  const maxY = Math.max(1e-9, ...all.map((pt) => pt.value)) * 1.15;
  const x = (crs: number) => offsetX + left + (crs / maxX) * (width - left - right);
  const y = (value: number) => top + (1 - value / maxY) * (height - top - bottom);
  const parts = [
    `<text x="${offsetX + width / 2}" y="18" text-anchor="middle" font-weight="bold">${xmlText(p.title)}</text>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(maxX)}" y2="${y(0)}" stroke="#000"/>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${x(0)}" y2="${top}" stroke="#000"/>`,
    `<text x="${offsetX + width / 2}" y="${height - 6}" text-anchor="middle">CRs</text>`,
  ];
  for (const crs of xs) {
    parts.push(`<text x="${x(crs)}" y="${y(0) + 14}" text-anchor="middle">${crs}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const value = (maxY / 1.15) * (i / 4);
    parts.push(
      `<line x1="${x(0) - 3}" y1="${y(value)}" x2="${x(maxX)}" y2="${y(value)}" stroke="#ddd"/>`,
      `<text x="${x(0) - 5}" y="${y(value) + 4}" text-anchor="end">${label(value)}</text>`,
    );
  }
  p.series.forEach((s, i) => {
    const colour = colours[i % colours.length];
    const path = s.points.map((pt) => `${x(pt.crs).toFixed(1)},${y(pt.value).toFixed(1)}`).join(' ');
    if (s.points.length > 1) parts.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const pt of s.points) {
      parts.push(
        `<circle cx="${x(pt.crs).toFixed(1)}" cy="${y(pt.value).toFixed(1)}" r="3" fill="${colour}"/>`,
        `<text x="${x(pt.crs).toFixed(1)}" y="${(y(pt.value) - 6).toFixed(1)}" text-anchor="middle" fill="${colour}">${label(pt.value)}</text>`,
      );
    }
  });
  return parts.join('\n');
}

/** The whole SVG: the panels side by side and a legend naming each series' colour. */
export function scaleSvg(panels: readonly Panel[]): string {
  const names = panels[0]?.series.map((s) => s.name) ?? [];
  const legend = names.map(
    (name, i) =>
      `<rect x="${left + i * 330}" y="${height + 4}" width="12" height="12" fill="${colours[i % colours.length]}"/><text x="${left + i * 330 + 18}" y="${height + 14}">${xmlText(name)}</text>`,
  );
  const totalWidth = width * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalWidth}" height="${height + 24}" font-family="sans-serif" font-size="11">`,
    `<title>Scale curve: ${xmlText(panels.map((p) => p.title).join(', '))} by number of CRs</title>`,
    `<rect width="${totalWidth}" height="${height + 24}" fill="#fff"/>`,
    ...panels.map((p, i) => panel(p, i * width)),
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
