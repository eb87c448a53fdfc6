// Line charts as inline SVG: one or more series over time, with the first and last times and
// the largest value labelled. No library: the charts are simple and must load fast.

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attributes) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/**
 * `series`: [{label, color, points: [[Date, number], ...]}]. Returns an <svg> with a <title>
 * naming the chart and a legend.
 */
export function lineChart(title, series, { unit = '' } = {}) {
  const width = 600;
  const height = 160;
  const left = 44;
  const bottom = 20;
  const top = 10;
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  const heading = svg('title', {});
  heading.textContent = title;
  chart.append(heading);
  const all = series.flatMap((line) => line.points);
  if (all.length === 0) {
    const empty = svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle' });
    empty.textContent = 'No samples yet';
    chart.append(empty);
    return chart;
  }
  const times = all.map(([when]) => when.getTime());
  const start = Math.min(...times);
  const end = Math.max(...times, start + 1);
  const peak = Math.max(1, ...all.map(([, value]) => value));
  const x = (when) => left + ((when.getTime() - start) / (end - start)) * (width - left - 8);
  const y = (value) => top + (1 - value / peak) * (height - top - bottom);
  chart.append(svg('line', { class: 'axis', x1: left, y1: y(0), x2: width - 8, y2: y(0) }));
  chart.append(svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: y(0) }));
  const label = (text, attributes) => {
    const element = svg('text', attributes);
    element.textContent = text;
    chart.append(element);
  };
  const format = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  label(format.format(new Date(start)), { x: left, y: height - 4 });
  label(format.format(new Date(end)), { x: width - 8, y: height - 4, 'text-anchor': 'end' });
  label(`${Math.round(peak * 10) / 10}${unit}`, { x: left - 4, y: top + 8, 'text-anchor': 'end' });
  label(`0`, { x: left - 4, y: y(0), 'text-anchor': 'end' });
  series.forEach((line, index) => {
    if (line.points.length === 0) return;
    const path = line.points.map(([when, value]) => `${x(when).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
    chart.append(svg('polyline', {
      points: path, fill: 'none', stroke: line.color, 'stroke-width': 2,
      'stroke-dasharray': index % 2 ? '5 3' : 'none',
    }));
    label(`${index % 2 ? '- -' : '—'} ${line.label}`, { x: left + 8 + index * 140, y: top + 10, fill: line.color });
  });
  return chart;
}
