/* The web edition's script (builder/write/web/): search, previews of citations and glossary terms, notes in
   a popover. Everything works without it: the links lead to the entries and notes, the search box stays
   hidden. Its data are scripts assigning globals (search-index.js, previews.js), which load from file://
   where fetch() is refused. No library, no network. */
(function () {
  'use strict';
  var here = decodeURIComponent(location.pathname.split('/').pop()) || 'index.html';

  function fold(text) {  // case and accents do not count: "Geneve" finds "Genève"
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  /* Search: every word of the query, in any order, in one block. */
  function setUpSearch() {
    var form = document.querySelector('form.search');
    var index = window.COURSEPACK_SEARCH;
    if (!form || !index) return;
    var input = form.querySelector('input');
    var status = form.querySelector('.search-status');
    var list = form.querySelector('.search-results');
    var folded = null;
    form.hidden = false;
    form.addEventListener('submit', function (event) { event.preventDefault(); });
    input.addEventListener('keydown', function (event) {  // Esc empties the box and closes the results
      if (event.key === 'Escape') { input.value = ''; list.textContent = ''; status.textContent = ''; }
    });
    input.addEventListener('input', function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      list.textContent = '';
      if (!words.length || input.value.trim().length < 2) { status.textContent = ''; return; }
      folded = folded || index.blocks.map(function (b) { return fold(b[2]); });
      var found = [];
      for (var i = 0; i < folded.length && found.length < 50; i++) {
        if (words.every(function (w) { return folded[i].indexOf(w) >= 0; })) found.push(i);
      }
      status.textContent = found.length ? form.dataset.results.replace('{count}', found.length) : form.dataset.none;
      found.forEach(function (i) {
        var block = index.blocks[i], page = index.pages[block[0]];
        var item = document.createElement('li');
        var link = document.createElement('a');
        link.href = page[0] + '#' + block[1];
        link.textContent = page[1];
        item.appendChild(link);
        item.appendChild(document.createTextNode(': '));
        item.appendChild(snippet(block[2], folded[i], words[0]));
        list.appendChild(item);
      });
    });
  }

  function snippet(text, folded, word) {  // the words around the first match, the match marked
    var at = folded.indexOf(word), start = Math.max(0, at - 60), end = Math.min(text.length, at + word.length + 80);
    if (start) start = text.indexOf(' ', start) + 1 || start;  // from a word's beginning
    var span = document.createElement('span');
    span.appendChild(document.createTextNode((start ? '…' : '') + text.slice(start, at)));
    var mark = document.createElement('mark');
    mark.textContent = text.slice(at, at + word.length);
    span.appendChild(mark);
    span.appendChild(document.createTextNode(text.slice(at + word.length, end) + (end < text.length ? '…' : '')));
    return span;
  }

  /* Previews: a citation shows its bibliography entry, a term its definition, on hover and on focus. */
  function setUpPreviews() {
    var previews = window.COURSEPACK_PREVIEWS;
    if (!previews) return;
    var tip = document.createElement('div');
    tip.id = 'preview';
    tip.className = 'preview';
    tip.setAttribute('role', 'tooltip');
    tip.hidden = true;
    document.body.appendChild(tip);
    var shown = null;
    function key(link) {
      var href = link.getAttribute('href') || '';
      return href.charAt(0) === '#' ? here + href : href;
    }
    function show(link) {
      var content = previews[key(link)];
      if (!content || shown === link) return;
      hide();
      tip.innerHTML = content;
      tip.hidden = false;
      link.setAttribute('aria-describedby', 'preview');
      var box = link.getBoundingClientRect();
      var left = Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth
                          - tip.offsetWidth - 8);
      tip.style.left = Math.max(window.scrollX + 8, left) + 'px';
      tip.style.top = (box.bottom + window.scrollY + 6) + 'px';
      shown = link;
    }
    function hide() {
      if (shown) shown.removeAttribute('aria-describedby');
      tip.hidden = true;
      shown = null;
    }
    document.querySelectorAll('main a[href]').forEach(function (link) {
      if (!previews[key(link)]) return;
      link.addEventListener('mouseenter', function () { show(link); });
      link.addEventListener('mouseleave', hide);
      link.addEventListener('focus', function () { show(link); });
      link.addEventListener('blur', hide);
    });
    document.addEventListener('keydown', function (event) { if (event.key === 'Escape') hide(); });
  }

  /* Notes: a note reference opens the note in a popover, with a button that closes it. */
  function setUpNotes() {
    var popover = document.createElement('div');
    if (!popover.showPopover) return;  // an older browser follows the link to the note
    popover.id = 'note-popover';
    popover.className = 'note-popover';
    popover.setAttribute('popover', 'auto');
    popover.setAttribute('role', 'dialog');
    popover.tabIndex = -1;
    document.body.appendChild(popover);
    var opener = null;
    function closed() {  // the focus goes back to the note's reference
      if (opener) { opener.focus(); opener = null; }
    }
    popover.addEventListener('toggle', function (event) { if (event.newState === 'closed') closed(); });
    document.querySelectorAll('main a.noteref').forEach(function (link) {
      link.addEventListener('click', function (event) {
        var note = document.getElementById((link.getAttribute('href') || '').slice(1));
        if (!note) return;
        event.preventDefault();
        var copy = note.cloneNode(true);
        copy.querySelectorAll('[id]').forEach(function (e) { e.removeAttribute('id'); });
        copy.querySelectorAll('.backlink').forEach(function (e) { e.remove(); });
        var close = document.createElement('button');
        close.type = 'button';
        close.textContent = document.body.dataset.close;
        close.addEventListener('click', function () { popover.hidePopover(); closed(); });
        popover.textContent = '';
        popover.setAttribute('aria-label', document.body.dataset.note.replace('{number}', link.textContent));
        popover.appendChild(close);
        while (copy.firstChild) popover.appendChild(copy.firstChild);
        opener = link;
        popover.showPopover();
        close.focus();
      });
    });
  }

  setUpSearch();
  setUpPreviews();
  setUpNotes();
})();
