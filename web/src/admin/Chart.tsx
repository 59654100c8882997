// One chart: Chart.js on a canvas (only the pieces the console draws are registered: decision
// 0035), and the same numbers in a table under it for screen readers and tests.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale, Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import { formatValue, type Series } from './charts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, DoughnutController, ArcElement, Legend, Tooltip);

const COLOURS = ['#a61b14', '#1d6f42', '#2f5d9e', '#c47f00', '#6b3fa0', '#0f7b7b', '#8a3b00', '#5c5c5c', '#d14d72'];

export function ChartView({ series, id }: { series: Series; id: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const empty = series.labels.length === 0;

  useEffect(() => {
    if (!canvas.current || empty) return;
    const doughnut = series.kind === 'doughnut';
    const twoAxes = series.datasets.some((d) => d.axis === 'y1');
    const stacked = series.kind === 'bar' && !twoAxes && series.datasets.length > 1;
    // A share reads against 0–100 %, not against its own largest value.
    const percent = series.datasets.some((d) => (d.axis ?? 'y') === 'y' && d.unit === 'percent');
    const chart = new Chart(canvas.current, {
      type: series.kind,
      data: {
        labels: series.labels,
        datasets: series.datasets.map((d, i) => ({
          label: d.label,
          data: d.data,
          ...(doughnut ? { backgroundColor: series.labels.map((_, j) => COLOURS[j % COLOURS.length]) } : { backgroundColor: COLOURS[i % COLOURS.length] }),
          ...(twoAxes ? { yAxisID: d.axis ?? 'y' } : {}),
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: doughnut ? 'right' : 'top' } },
        ...(doughnut ? {} : {
          scales: {
            x: { stacked },
            y: { stacked, beginAtZero: true, position: 'left', ...(percent ? { suggestedMax: 100 } : {}) },
            ...(twoAxes ? { y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } } } : {}),
          },
        }),
      },
    });
    return () => chart.destroy();
  }, [series, empty]);

  return (
    <figure className="adm-chart" data-testid="chart" data-chart={id} aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{series.title}</figcaption>
      {empty ? (
        <p className="meta">No data for this period.</p>
      ) : (
        <>
          <div className="adm-canvas"><canvas ref={canvas} role="img" aria-label={`${series.title}: chart; the numbers are in the table below`} /></div>
          <table className="adm-table adm-chart-data" data-testid="chart-data">
            <thead><tr><th scope="col">{series.kind === 'doughnut' ? '' : series.axisLabel ?? 'Hour'}</th>{series.datasets.map((d) => <th key={d.label} scope="col">{d.label}</th>)}</tr></thead>
            <tbody>
              {series.labels.map((label, i) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {series.datasets.map((d) => <td key={d.label}>{formatValue(d.data[i], d.unit, series.currency)}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </figure>
  );
}
