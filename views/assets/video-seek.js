// The contact sheet and the stills list seek the player instead of reloading the page
// (without JavaScript their links reload it at ?t=, which the player's media fragment honours).
(() => {
  const player = document.getElementById('player');
  if (!player) return;
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('[data-seek]') : null;
    if (!link) return;
    const t = Number(link.getAttribute('data-seek'));
    if (!Number.isFinite(t)) return;
    event.preventDefault();
    player.currentTime = t;
    player.pause();
    document.getElementById('player-figure')?.scrollIntoView({ block: 'nearest' });
    history.replaceState(null, '', `?t=${t}`);
  });
})();
