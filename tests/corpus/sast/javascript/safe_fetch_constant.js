// expect: safe
async function weather(city) {
  const r = await fetch('https://api.weather.example/v1?city=' + encodeURIComponent(city));
  return r.json();
}
