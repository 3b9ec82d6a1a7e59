// Bar charts from the JSON next to them (Chart.js). Each chart has a data table beside it for
// screen readers and for reading the exact figures; the canvas itself is only a picture.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.Chart) return;
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.label, data: data.values, backgroundColor: "#1b3a8c" }],
      },
      options: {
        animation: false,
        // taller on a phone, so that the bars and their labels stay readable
        aspectRatio: canvas.parentElement.clientWidth < 500 ? 1.25 : 2,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  });
});
