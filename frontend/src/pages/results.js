// The results page: full-screen button for the conference hall; while the results are not
// there yet, watch the board and reload when the results section is posted.
import { $, fetchJson, pageData } from './common.js';

const data = pageData('results-data');

const button = $('#fullscreen-button');
if (button && document.fullscreenEnabled) {
  button.hidden = false;
  button.addEventListener('click', () => {
    const root = $('#results-root');
    if (document.fullscreenElement) document.exitFullscreen();
    else root.requestFullscreen().catch(() => {});
  });
}

if (data.waiting) {
  setInterval(async () => {
    try {
      const state = await fetchJson(`${data.board_url}?since=999999999`);
      if (state.status === 'tallied' || state.status === 'published') window.location.reload();
    } catch {
      /* retried */
    }
  }, 4000);
}
document.body.dataset.resultsReady = '1';
