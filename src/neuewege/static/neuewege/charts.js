// Charts from the JSON next to them (Chart.js): bar charts of one column, or line charts of a
// trend (data.type "line", one line per data set; a missing value leaves a gap). Each chart
// has a data table beside it (or behind "Show table") for screen readers and for reading the
// exact figures; the canvas itself is only a picture.
const LINE_COLOURS = ["#1b3a8c", "#b35900", "#2e7d32"];
const LINE_DASHES = [[], [6, 4], [2, 3]]; // told apart without colour, too

document.addEventListener("DOMContentLoaded", () => {
  if (!window.Chart) return;
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    // taller on a phone, so that the bars, lines and their labels stay readable
    const aspectRatio = canvas.parentElement.clientWidth < 500 ? 1.25 : 2;
    if (data.type === "line") {
      new Chart(canvas, {
        type: "line",
        data: {
          labels: data.labels,
          datasets: data.datasets.map((set, index) => ({
            label: set.label,
            data: set.values,
            borderColor: LINE_COLOURS[index % LINE_COLOURS.length],
            backgroundColor: LINE_COLOURS[index % LINE_COLOURS.length],
            borderDash: LINE_DASHES[index % LINE_DASHES.length],
            pointStyle: ["circle", "rect", "triangle"][index % 3],
            pointRadius: 4,
            spanGaps: false,
          })),
        },
        options: {
          animation: false,
          aspectRatio,
          plugins: {
            legend: { position: "bottom", labels: { usePointStyle: true } },
            tooltip: data.percent
              ? { callbacks: { label: (item) => `${item.dataset.label}: ${item.formattedValue} %` } }
              : {},
          },
          scales: {
            y: {
              beginAtZero: true,
              ...(data.percent ? { max: 100 } : {}),
              ticks: {
                precision: 0,
                ...(data.percent ? { callback: (value) => `${value} %` } : {}),
              },
            },
          },
        },
      });
      return;
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.label, data: data.values, backgroundColor: "#1b3a8c" }],
      },
      options: {
        animation: false,
        aspectRatio,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  });
});
