/**
 * The script of `plan.html`, as text: a small hand-written viewer, no library (nothing to fetch, pin
 * or audit; a charting library would bring far more than rectangles, a tooltip and two zoom levels).
 * It reads the model, packed (`map-pack.ts`), from `<script id="calico-ipam-map" type="application/json">`,
 * unpacks it (`UNPACK_CLIENT`) and draws each view:
 * - per family, the address map: SVG (one `<rect>` per range, `data-pool` on pools) up to
 *   CANVAS_THRESHOLD shapes, a canvas with hit-testing above, so 10,000 pools or 100,000 blocks draw
 *   in well under 2 s;
 * - a click on a pool zooms into it: its blocks, coloured by node (hue) and use (darkness), borrowed
 *   addresses outlined in red; a click on an address space zooms into it; the crumbs or Escape go back;
 * - hover shows the range's text in a tooltip (`#tip`);
 * - per pool, gauges of block and address utilization.
 * It sets `window.calicoIpamRenderMs` (time to draw everything) and `window.calicoIpamRenderedAt`
 * (since navigation start: page load included) for the benchmark and the tests.
 */
/**
 * The page's placement of a block on its pool's Hilbert curve (`hilbertCell`, `blockRect`), as text: the
 * same walk as `hilbertRect` in `address-map.ts`, so that a page of 100,000 blocks carries each block's
 * index instead of its rectangle. A property test runs both and compares them.
 */
export const HILBERT_CLIENT = String.raw`  // The cell of Hilbert index d on a 2^k grid: address-map.ts's d2xy, step for step.
  function hilbertCell(d, k) {
    var x = 0, y = 0, t = d, n = Math.pow(2, k);
    for (var s = 1; s < n; s *= 2) {
      var rx = Math.floor(t / 2) % 2;
      var ry = (t % 2) ^ rx;
      if (ry === 0) {
        if (rx === 1) { var x1 = s - 1 - y; y = s - 1 - x; x = x1; } else { var x2 = y; y = x; x = x2; }
      }
      x += s * rx;
      y += s * ry;
      t = Math.floor(t / 4);
    }
    return [x, y];
  }
  // Block n (in blocks) of 2^sizeBits addresses in a pool of 2^poolBits: address-map.ts's hilbertRect.
  function blockRect(n, sizeBits, poolBits) {
    var m = Math.floor(sizeBits / 2), k = Math.ceil(poolBits / 2) - m, side = Math.pow(2, -k);
    var odd = sizeBits % 2 === 1, c = odd ? 2 * n : n;
    var a = hilbertCell(c, k);
    if (!odd) return [a[0] * side, a[1] * side, side, side];
    var b = hilbertCell(c + 1, k);
    return [Math.min(a[0], b[0]) * side, Math.min(a[1], b[1]) * side, (Math.abs(b[0] - a[0]) + 1) * side, (Math.abs(b[1] - a[1]) + 1) * side];
  }
`;

/**
 * The page's unpacking of the model it carries (`unpackModel`, then `poolTipAt` and `poolBlocksAt` for
 * each pool's hover text and blocks, made when first needed), as text: the inverse of `packModel` in
 * `map-pack.ts`, giving back the very model the package built (pool hover texts and IPv4 block CIDRs
 * made from the rest, runs and sparse columns spread out). A property test runs it on packed models and
 * compares them with the originals.
 */
export const UNPACK_CLIENT = String.raw`  // Runs of consecutive numbers ({ runs: [first, length, ...] }) spread out; a plain list as it is.
  function unpackInts(c) {
    if (!c.runs) return c;
    var out = [];
    for (var i = 0; i < c.runs.length; i += 2) {
      var v = c.runs[i];
      out.push(v);
      for (var j = 1; j < c.runs[i + 1]; j++) { v = v + 1; out.push(v); }
    }
    return out;
  }
  // [index, value, ...] of the non-zero values of a column of n.
  function unpackSparse(c, n) {
    var out = [];
    for (var i = 0; i < n; i++) out.push(0);
    for (var j = 0; j < c.length; j += 2) out[c[j]] = c[j + 1];
    return out;
  }
  // The CIDRs of blocks of 2^sizeBits addresses at index (in blocks) in the IPv4 pool: map-pack.ts's ipv4BlockTexts.
  function ipv4Blocks(pool, index, sizeBits) {
    var o = pool.split("/")[0].split(".");
    var first = ((Number(o[0]) * 256 + Number(o[1])) * 256 + Number(o[2])) * 256 + Number(o[3]);
    var unit = Math.pow(2, sizeBits), suffix = "/" + (32 - sizeBits), out = [];
    for (var i = 0; i < index.length; i++) {
      var a = first + index[i] * unit;
      out.push(Math.floor(a / 16777216) + "." + Math.floor(a / 65536) % 256 + "." + Math.floor(a / 256) % 256 + "." + a % 256 + suffix);
    }
    return out;
  }
  // [count, cidr, owner, inUse, capacity, reserved, borrowedBy, ipReserved, where] to ModelBlocks.
  function unpackBlocks(b, pool) {
    var n = b[0], where = b[8];
    var out = { cidr: b[1], owner: unpackInts(b[2]), inUse: b[3], capacity: b[4] };
    if (b[5] !== 0) out.reserved = unpackSparse(b[5], n);
    if (b[6] !== 0) out.borrowedBy = unpackSparse(b[6], n);
    if (b[7] !== 0) out.ipReserved = unpackSparse(b[7], n);
    if (Array.isArray(where)) { out.index = unpackInts(where[2]); out.sizeBits = where[0]; out.poolBits = where[1]; }
    else if (where !== 0) out.rect = where.rect;
    if (out.cidr === 0) out.cidr = ipv4Blocks(pool, out.index, out.sizeBits);
    return out;
  }
  // A pool's hover text: whole, or [mid, label, tail] around its name, CIDR and gauge texts (map-pack.ts's tipAround).
  function poolTip(p, t, parts) {
    if (typeof t === "string") return t;
    return "IP pool " + p.name + " \u00b7 " + p.cidr + parts[t[0]] + "\n" + p.blocksText + "\n" + p.addressesText + "\n" + parts[t[1]] + p.headroomText + parts[t[2]];
  }
  // A view's pools as the page draws them: their gauges at once; their hover texts and blocks, the
  // bulk of the data, when first needed (poolTipAt: hover; poolBlocksAt: zoom), from packedPools.
  var packedPools = new WeakMap();
  function unpackView(v) {
    var c = v.pools, pools = [];
    for (var i = 0; i < c.name.length; i++) {
      var p = { name: c.name[i], cidr: c.cidr[i], family: c.family[i], size: [c.size[2 * i], c.size[2 * i + 1]], blockUse: c.blockUse[i], addressUse: c.addressUse[i],
        blocksText: c.blocksText[i], addressesText: c.addressesText[i], headroomText: c.headroomText[i], status: c.status[i], disabled: c.disabled[i] === 1, tip: null, blocks: null };
      if (c.pins && c.pins[i] !== 0) p.pins = c.pins[i];
      pools.push(p);
    }
    // A pool's range names the pool and its CIDR by 0: filled in where it lies.
    for (var j = 0; j < v.families.length; j++) {
      var ranges = v.families[j].ranges;
      for (var k = 0; k < ranges.length; k++) {
        var r = ranges[k];
        if (r[1] === 0) r[1] = pools[r[8]].name;
        if (r[2] === 0) r[2] = pools[r[8]].cidr;
      }
    }
    var view = { label: v.label, families: v.families, pools: pools, nodes: v.nodes };
    if (v.findings !== undefined) view.findings = v.findings;
    packedPools.set(view, c);
    return view;
  }
  function poolTipAt(view, i) {
    var p = view.pools[i];
    if (p.tip === null) { var c = packedPools.get(view); p.tip = poolTip(p, c.tip[i], c.tipParts); }
    return p.tip;
  }
  function poolBlocksAt(view, i) {
    var p = view.pools[i];
    if (p.blocks === null) p.blocks = unpackBlocks(packedPools.get(view).blocks[i], p.cidr);
    return p.blocks;
  }
  function unpackModel(m) {
    return { title: m.title, summary: m.summary, ok: m.ok, views: m.views.map(unpackView) };
  }
`;

export const MAP_CLIENT_SCRIPT = String.raw`(function () {
  "use strict";
  var started = performance.now();
  var CANVAS_THRESHOLD = 1500;
  var MIN_PX = 2;
${UNPACK_CLIENT}
  // The model, packed (map-pack.ts): the page carries fewer bytes, and unpacks it to what the package built.
  var model = unpackModel(JSON.parse(document.getElementById("calico-ipam-map").textContent));
  var tip = document.getElementById("tip");
  var KIND_FILL = { space: "#e3f4e1", service: "#ffd08a", node: "#c8b6ac", reserved: "#cfd8dc", reservation: "#d7a6e0", retired: "#f4b4b4", orphan: "#ffcecb", pool: "#6fa8dc" };
  var KIND_STROKE = { space: "#6bbf73", service: "#c98a1c", node: "#8d6e63", reserved: "#90a4ae", reservation: "#9c4fb0", retired: "#cf222e", orphan: "#a40e26", pool: "#1f5f99" };
  var PIN_FILL = { error: "#cf222e", warning: "#bf8700" };
  var STATUS_STROKE = { added: "#1a7f37", changed: "#bf8700", draining: "#8250df", removed: "#cf222e" };

  var ESCAPED = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
  function escaped(c) {
    return ESCAPED[c];
  }
  // Most texts need no escaping: tested first (10,000 gauge rows call this eight times each).
  function esc(s) {
    var t = String(s);
    return /[&<>"]/.test(t) ? t.replace(/[&<>"]/g, escaped) : t;
  }
  function pct(f) {
    return f === null ? "?" : (Math.round(f * 1000) / 10) + "%";
  }
  function poolFill(p) {
    if (!p || p.blockUse === null) return "#9fc5e8";
    var l = 82 - 50 * Math.min(1, p.blockUse);
    return "hsl(210,65%," + l + "%)";
  }
  function hue(i) {
    return (i * 137.508) % 360;
  }
  // Fills by node and use in 16 steps, made once each: a canvas parses a colour on every change.
  var fills = {};
  // A block is an index i into its pool's columns (pool.blocks.cidr[i], .owner[i], …; see ModelBlocks).
  function col(list, i) {
    return list ? list[i] : 0;
  }
  function capacity(bs, i) {
    return typeof bs.capacity === "number" ? bs.capacity : bs.capacity[i];
  }
  function blockFill(bs, i) {
    var cap = capacity(bs, i), owner = bs.owner[i];
    var level = cap > 0 ? Math.round(15 * Math.min(1, (bs.inUse[i] + col(bs.reserved, i)) / cap)) : 0;
    var key = owner * 16 + level;
    var fill = fills[key];
    if (fill === undefined) {
      fill = owner < 0 ? "hsl(0,0%," + (85 - 40 * level / 15).toFixed(1) + "%)" : "hsl(" + hue(owner).toFixed(1) + ",70%," + (86 - 46 * level / 15).toFixed(1) + "%)";
      fills[key] = fill;
    }
    return fill;
  }
  function blockTip(view, pool, i) {
    var bs = pool.blocks;
    var inUse = bs.inUse[i], reserved = col(bs.reserved, i), cap = capacity(bs, i), ipReserved = col(bs.ipReserved, i), owner = bs.owner[i], borrowed = col(bs.borrowedBy, i);
    var used = inUse + reserved;
    var lines = ["block " + bs.cidr[i] + " · pool " + pool.name + " · node " + (owner < 0 ? "none" : view.nodes[owner]),
      used + " of " + cap + " addresses in use (" + inUse + " pods and tunnels" + (reserved ? ", " + reserved + " Windows-reserved" : "") + ")" + (ipReserved ? " · " + ipReserved + " kept by IP reservations" : "") + " · " + (cap - used - ipReserved) + " free"];
    if (borrowed > 0) lines.push(borrowed + " addresses borrowed by other nodes");
    return lines.join("\n");
  }
  // Where block i sits in its pool's frame: given, or from its index on the pool's Hilbert curve.
  function blockAt(bs, i) {
    if (bs.rect) return [bs.rect[4 * i], bs.rect[4 * i + 1], bs.rect[4 * i + 2], bs.rect[4 * i + 3]];
    return blockRect(bs.index[i], bs.sizeBits, bs.poolBits);
  }
${HILBERT_CLIENT}
  function Stage(viewIndex, familyIndex, el) {
    this.view = model.views[viewIndex];
    this.family = this.view.families[familyIndex];
    this.el = el;
    this.stage = el.querySelector(".stage");
    this.crumbs = el.querySelector(".crumbs");
    this.path = [];
    this.shapes = [];
    var self = this;
    this.stage.addEventListener("mousemove", function (e) { self.hover(e); });
    this.stage.addEventListener("mouseleave", function () { tip.hidden = true; });
    this.stage.addEventListener("click", function (e) { self.click(e); });
    this.crumbs.addEventListener("click", function (e) {
      var t = e.target.closest("[data-depth]");
      if (t) { self.path = self.path.slice(0, Number(t.getAttribute("data-depth"))); self.draw(); }
    });
    this.draw();
  }

  // What to show: the family map, an address space inside it (a zoom rectangle), or a pool's blocks.
  Stage.prototype.frame = function () {
    var last = this.path[this.path.length - 1];
    if (last && last.pool !== undefined) {
      var p = this.view.pools[last.pool];
      poolBlocksAt(this.view, last.pool);
      return { x: 0, y: 0, w: p.size[0], h: p.size[1], pool: p };
    }
    if (last) return { x: last.rect[0], y: last.rect[1], w: last.rect[2], h: last.rect[3] };
    return { x: 0, y: 0, w: this.family.size[0], h: this.family.size[1] };
  };

  Stage.prototype.draw = function () {
    var f = this.frame();
    // A map of nothing but an excluded range (a node network far from the pods) stays small.
    var minor = !f.pool && this.path.length === 0 && !this.family.ranges.some(function (g) { return g[0] === "pool" || g[0] === "space"; });
    var width = minor ? 160 : 480;
    var height = Math.max(60, Math.round(width * f.h / f.w));
    var k = width / f.w;
    var shapes = [];
    function place(r) {
      var x = (r[0] - f.x) * k, y = (r[1] - f.y) * k, w = r[2] * k, h = r[3] * k;
      if (w < MIN_PX) { x -= (MIN_PX - w) / 2; w = MIN_PX; }
      if (h < MIN_PX) { y -= (MIN_PX - h) / 2; h = MIN_PX; }
      return [x, y, w, h];
    }
    if (f.pool) {
      var pool = f.pool;
      var bs = pool.blocks;
      for (var i = 0; i < bs.cidr.length; i++) {
        var borrowed = col(bs.borrowedBy, i) > 0;
        shapes.push({ r: place(blockAt(bs, i)), fill: blockFill(bs, i), stroke: borrowed ? "#cf222e" : "rgba(0,0,0,0.25)", dash: borrowed, width: borrowed ? 2 : 0.5, cls: "block", key: bs.cidr[i], block: i });
      }
    } else {
      var ranges = this.family.ranges;
      for (var j = 0; j < ranges.length; j++) {
        var g = ranges[j];
        var r = place([g[3], g[4], g[5], g[6]]);
        if (r[0] > width || r[1] > height || r[0] + r[2] < 0 || r[1] + r[3] < 0) continue;
        var p = g[8] >= 0 ? this.view.pools[g[8]] : null;
        var status = g[7];
        shapes.push({ r: r, fill: g[0] === "pool" ? poolFill(p) : KIND_FILL[g[0]], stroke: status ? STATUS_STROKE[status] : KIND_STROKE[g[0]], dash: status === "removed" || status === "draining" || g[0] === "retired", width: status ? 2.5 : 1, cls: g[0], key: g[1], pool: g[8], range: j, tip: p ? null : this.family.tips[j], status: status });
      }
    }
    this.pin(shapes, f, width, height);
    this.shapes = shapes;
    this.stage.style.height = height + "px";
    this.stage.style.width = width + "px";
    this.mode = shapes.length > CANVAS_THRESHOLD ? "canvas" : "svg";
    this.stage.setAttribute("data-mode", this.mode);
    if (this.mode === "svg") this.drawSvg(width, height, f);
    else this.drawCanvas(width, height, f);
    this.drawCrumbs(f);
  };

  // Findings pinned on ranges and blocks (inspect): a marker at the top right of each, drawn last (on top).
  Stage.prototype.pin = function (shapes, f, width, height) {
    var findings = this.view.findings;
    var pins = f.pool ? f.pool.pins : this.family.pins;
    if (!findings || !pins || !pins.length) return;
    var at = {};
    for (var i = 0; i < shapes.length; i++) at[f.pool ? i : shapes[i].range] = shapes[i];
    for (var j = 0; j < pins.length; j++) {
      var s = at[pins[j][0]];
      if (!s) continue;
      var list = pins[j][1];
      var severity = "warning";
      var lines = [];
      for (var k = 0; k < list.length; k++) {
        var fd = findings[list[k]];
        if (fd[0] === "error") severity = "error";
        lines.push(list.length === 1 ? fd[2] : fd[1]);
      }
      var cx = s.r[2] >= 14 ? s.r[0] + s.r[2] - 7 : s.r[0] + s.r[2] / 2;
      var cy = s.r[3] >= 14 ? s.r[1] + 7 : s.r[1] + s.r[3] / 2;
      cx = Math.max(6, Math.min(width - 6, cx));
      cy = Math.max(6, Math.min(height - 6, cy));
      shapes.push({ r: [cx - 6, cy - 6, 12, 12], fill: PIN_FILL[severity], stroke: "#fff", width: 1.5, cls: "finding", key: s.key, severity: severity, count: list.length,
        tip: (s.cls === "block" ? "block " + s.key : this.tipOf(s).split("\n")[0]) + "\n" + list.length + (list.length === 1 ? " finding" : " findings") + ":\n" + lines.join("\n") + (list.length > 1 ? "\n(the list below the map tells each)" : "") });
    }
  };

  Stage.prototype.drawSvg = function (width, height, f) {
    var out = ['<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + " " + height + '">',
      '<rect class="free" x="0" y="0" width="' + width + '" height="' + height + '" fill="' + (f.pool ? "#f3f8fc" : "#fafafa") + '"/>'];
    for (var i = 0; i < this.shapes.length; i++) {
      var s = this.shapes[i];
      if (s.cls === "finding") {
        out.push('<circle class="finding" data-i="' + i + '" data-on="' + esc(s.key) + '" data-severity="' + s.severity + '" data-findings="' + s.count + '" cx="' + (s.r[0] + 6).toFixed(2) + '" cy="' + (s.r[1] + 6).toFixed(2) + '" r="5.5" fill="' + s.fill + '" stroke="#fff" stroke-width="1.5"/>');
        continue;
      }
      var attrs = s.cls === "block" ? ' data-block="' + esc(s.key) + '"' : s.cls === "pool" ? ' data-pool="' + esc(s.key) + '"' : ' data-range="' + esc(s.key) + '"';
      if (s.status) attrs += ' data-status="' + s.status + '"';
      out.push('<rect class="' + s.cls + '" data-i="' + i + '"' + attrs + ' x="' + s.r[0].toFixed(2) + '" y="' + s.r[1].toFixed(2) + '" width="' + s.r[2].toFixed(2) + '" height="' + s.r[3].toFixed(2) +
        '" fill="' + s.fill + '" stroke="' + s.stroke + '" stroke-width="' + s.width + '"' + (s.dash ? ' stroke-dasharray="4 2"' : "") + "/>");
    }
    out.push("</svg>");
    this.stage.innerHTML = out.join("");
  };

  Stage.prototype.drawCanvas = function (width, height, f) {
    var ratio = window.devicePixelRatio || 1;
    var c = document.createElement("canvas");
    c.width = Math.round(width * ratio);
    c.height = Math.round(height * ratio);
    c.style.width = width + "px";
    c.style.height = height + "px";
    var ctx = c.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.fillStyle = f.pool ? "#f3f8fc" : "#fafafa";
    ctx.fillRect(0, 0, width, height);
    var dashed = false;
    var order = this.shapes;
    if (f.pool) {
      // Blocks never overlap, so they can be drawn by colour: one fillStyle per colour.
      var byFill = new Map();
      var pins = [];
      for (var j = 0; j < order.length; j++) {
        if (order[j].cls === "finding") { pins.push(order[j]); continue; }
        var list = byFill.get(order[j].fill);
        if (list) list.push(order[j]); else byFill.set(order[j].fill, [order[j]]);
      }
      order = [];
      byFill.forEach(function (list) { for (var k = 0; k < list.length; k++) order.push(list[k]); });
      for (var q = 0; q < pins.length; q++) order.push(pins[q]);
    }
    var last = null;
    for (var i = 0; i < order.length; i++) {
      var s = order[i];
      if (s.fill !== last) { ctx.fillStyle = s.fill; last = s.fill; }
      if (s.cls === "finding") {
        ctx.beginPath();
        ctx.arc(s.r[0] + 6, s.r[1] + 6, 5.5, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      ctx.fillRect(s.r[0], s.r[1], s.r[2], s.r[3]);
      if (s.r[2] > 4 && s.r[3] > 4 || s.status || s.dash) {
        if (ctx.strokeStyle !== s.stroke) ctx.strokeStyle = s.stroke;
        ctx.lineWidth = s.width;
        if (s.dash !== dashed) { ctx.setLineDash(s.dash ? [4, 2] : []); dashed = s.dash; }
        ctx.strokeRect(s.r[0], s.r[1], s.r[2], s.r[3]);
      }
    }
    this.stage.innerHTML = "";
    this.stage.appendChild(c);
  };

  Stage.prototype.drawCrumbs = function (f) {
    var parts = ['<a href="#" data-depth="0">IPv' + this.family.family + " " + esc(this.family.root) + "</a>"];
    for (var i = 0; i < this.path.length; i++) {
      parts.push('<a href="#" data-depth="' + (i + 1) + '">' + esc(this.path[i].label) + "</a>");
    }
    var hint = f.pool ? (f.pool.blocks.cidr.length + " claimed blocks · colour: node · darker: more addresses in use · red outline: addresses borrowed by other nodes")
      : "click a pool to see its blocks, an address space to zoom in";
    this.crumbs.innerHTML = parts.join(" › ") + ' <span class="hint">' + esc(hint) + "</span>";
  };

  // The shape under the pointer: the last drawn (topmost) one that holds the point.
  Stage.prototype.hit = function (e) {
    var box = this.stage.getBoundingClientRect();
    var x = e.clientX - box.left, y = e.clientY - box.top;
    for (var i = this.shapes.length - 1; i >= 0; i--) {
      var r = this.shapes[i].r;
      if (x >= r[0] && x <= r[0] + r[2] && y >= r[1] && y <= r[1] + r[3]) return this.shapes[i];
    }
    return null;
  };

  Stage.prototype.hover = function (e) {
    var s = this.hit(e);
    if (!s) { tip.hidden = true; return; }
    // Block texts are made on hover only: 100,000 of them up front would cost more than the drawing.
    showTip(s.cls === "block" ? blockTip(this.view, this.frame().pool, s.block) : this.tipOf(s), e);
  };

  // A range's or finding's hover text; a pool's (null in its shape) made when first shown.
  Stage.prototype.tipOf = function (s) {
    return s.tip === null ? poolTipAt(this.view, s.pool) : s.tip;
  };

  Stage.prototype.click = function (e) {
    var s = this.hit(e);
    if (!s || s.cls === "block" || s.cls === "finding") return;
    if (s.cls === "pool" && s.pool >= 0) {
      this.path.push({ pool: s.pool, label: "pool " + this.view.pools[s.pool].name });
    } else if (s.cls === "space") {
      var g = this.family.ranges[s.range];
      this.path = [{ rect: [g[3], g[4], g[5], g[6]], label: g[1] + " " + g[2] }];
    } else {
      return;
    }
    tip.hidden = true;
    this.draw();
  };

  function gauges(view) {
    var rows = [];
    for (var i = 0; i < view.pools.length; i++) {
      var p = view.pools[i];
      rows.push('<div class="gauge' + (p.status ? " " + p.status : "") + '" data-pool="' + esc(p.name) + '"><span class="pname">' + esc(p.name) + (p.status ? ' <em>' + p.status + "</em>" : "") +
        '</span><span class="cidr">' + esc(p.cidr) + "</span>" + bar(p.blockUse, p.blocksText) + bar(p.addressUse, p.addressesText) + '<span class="room">' + esc(p.headroomText) + "</span></div>");
    }
    return rows.join("");
  }
  function bar(f, text) {
    var w = f === null ? 0 : Math.max(f > 0 ? 1 : 0, Math.min(100, f * 100));
    var cls = f !== null && f >= 0.8 ? " high" : "";
    return '<span class="meter' + cls + '" title="' + esc(text) + '"><i style="width:' + w.toFixed(1) + '%"></i><b>' + esc(text) + "</b></span>";
  }

  var stages = [];
  document.querySelectorAll(".family[data-view]").forEach(function (el) {
    stages.push(new Stage(Number(el.getAttribute("data-view")), Number(el.getAttribute("data-family")), el));
  });
  document.querySelectorAll(".gauges[data-view]").forEach(function (el) {
    el.innerHTML = gauges(model.views[Number(el.getAttribute("data-view"))]);
  });
  // Hover texts outside the maps (the timeline charts, finding markers): any element with data-tip.
  function showTip(text, e) {
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8) + "px";
    tip.style.top = (e.clientY + 14) + "px";
  }
  document.addEventListener("mousemove", function (e) {
    if (e.target.closest && e.target.closest(".stage")) return;
    var t = e.target.closest ? e.target.closest("[data-tip]") : null;
    if (t) showTip(t.getAttribute("data-tip"), e);
    else tip.hidden = true;
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    stages.forEach(function (s) { if (s.path.length) { s.path.pop(); s.draw(); } });
  });
  window.calicoIpamStages = stages;
  window.calicoIpamRenderMs = performance.now() - started;
  window.calicoIpamRenderedAt = performance.now();
  document.body.setAttribute("data-rendered", "true");
})();`;
