// Set the theme before the first paint, so a dark-theme user never sees a white flash.
// A file of its own (not an inline <script>) so the Content-Security-Policy can keep script-src 'self'.
try {
  const saved = localStorage.getItem('sde-studio.theme');
  const dark = saved === 'dark' || (saved !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
} catch {}
