import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Line {
  label: string;
  color: string;
  values: (number | null)[];
  fill?: boolean;
}

/** A uPlot time-series chart that follows its container's width. `x` is in ms since epoch. */
export function TimeChart({
  x,
  lines,
  height = 220,
  yLabel,
}: {
  x: number[];
  lines: Line[];
  height?: number;
  yLabel?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: {
          time: true,
          // at least two minutes wide, so a young series does not stretch one bucket over years
          range: (_u, min, max) => (max - min < 120 ? [max - 120, max + 5] : [min, max]),
        },
        y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
      },
      axes: [
        { stroke: "#64748b", grid: { stroke: "#eef2f7" }, ticks: { stroke: "#e2e8f0" } },
        {
          stroke: "#64748b",
          grid: { stroke: "#eef2f7" },
          ticks: { stroke: "#e2e8f0" },
          size: 48,
          ...(yLabel ? { label: yLabel, labelSize: 18 } : {}),
        },
      ],
      series: [
        {},
        ...lines.map((l) => ({
          label: l.label,
          stroke: l.color,
          width: 2,
          ...(l.fill ? { fill: `${l.color}22` } : {}),
          points: { show: false },
        })),
      ],
    };
    const data: uPlot.AlignedData = [x.map((t) => t / 1000), ...lines.map((l) => l.values)];
    plot.current?.destroy();
    plot.current = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [x, lines, height, yLabel]);
  return <div className="chart" ref={box} />;
}
