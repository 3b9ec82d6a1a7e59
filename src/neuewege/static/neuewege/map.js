// Shows institutions on a map. Loaded only when the operator has switched map tiles on.
// Points with "covered" (family centres on the dashboard) are dots: green with an event in the
// last twelve months, grey without; points with "colour" (the coverage plans) are dots of that
// colour, of "radius" when given (the state overview: the larger, the more reach) and hollow
// with "hollow". The list or table beside the map says the same in words.
// Names come from the data: they go into the page as text, never as HTML.
const asText = (value) => {
  const span = document.createElement("span");
  span.textContent = value;
  return span;
};
document.addEventListener("DOMContentLoaded", () => {
  const element = document.querySelector("[data-map]");
  if (!element || !window.L) return;
  const points = JSON.parse(document.getElementById(element.dataset.points).textContent);
  const map = L.map(element);
  // Leaflet shows the attribution as HTML: the operator's text is escaped first.
  const attribution = asText(element.dataset.attribution).innerHTML;
  L.tileLayer(element.dataset.tiles, { attribution, maxZoom: 18 }).addTo(map);
  const color = (p) => p.colour || (p.covered ? "#1b7a3a" : "#6b6b6b");
  const marker = (p) =>
    p.colour === undefined && p.covered === undefined
      ? L.marker([p.lat, p.lon], { title: p.name, alt: p.name })
      : L.circleMarker([p.lat, p.lon], {
          radius: p.radius || 7,
          color: color(p),
          weight: p.hollow ? 2 : 3,
          fillOpacity: p.hollow ? 0.1 : 0.8,
        }).bindTooltip(
          asText(p.name),
        );
  const markers = points.map((p) => marker(p).addTo(map));
  if (markers.length) map.fitBounds(L.featureGroup(markers).getBounds().pad(0.2), { maxZoom: 15 });
});
