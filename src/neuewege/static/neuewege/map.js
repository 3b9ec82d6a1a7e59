// Shows institutions on a map. Loaded only when the operator has switched map tiles on.
document.addEventListener("DOMContentLoaded", () => {
  const element = document.querySelector("[data-map]");
  if (!element || !window.L) return;
  const points = JSON.parse(document.getElementById(element.dataset.points).textContent);
  const map = L.map(element);
  L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 18 }).addTo(map);
  const markers = points.map((p) => L.marker([p.lat, p.lon], { title: p.name, alt: p.name }).addTo(map));
  if (markers.length) map.fitBounds(L.featureGroup(markers).getBounds().pad(0.2), { maxZoom: 15 });
});
