/*
 * 信易贷融资监测看板 (the bureau's dashboard), served by the API itself at GET /dashboard.
 * Plain ES2020, no framework, no eval, no inline script or style: it runs under the page's
 * Content-Security-Policy (script-src 'self'). Charts are SVG drawn here; nothing is loaded from elsewhere.
 *
 * Display rules of the headline figures. Each figure sits in an element carrying
 * data-indicator="<IndicatorRow field name>" whose text is exactly the figure as displayed;
 * tests/e2e/dashboard.rs reads them back with the same rules:
 *   Int                    plain digits, no separators                      "1234"
 *   ratio (Float, 0..1)    percent with 2 decimals                          "12.34%"
 *   Money (yuan string)    万元 with 2 decimals, halves away from zero      "150.00万元" for "1500000.00"
 *   hours (Float)          1 decimal and 小时                               "36.5小时"
 *   null                   an em dash                                       "—"
 *
 * Period: the last 12 whole months in Asia/Shanghai, [first day of the month 12 months back, first day of the
 * current month). Region: a bureau sees its jurisdiction; the admin picks any region (default 440882).
 */
'use strict';

(() => {
  const ALLOWED_ROLES = ['BUREAU', 'ADMIN'];
  const ROLE_NAMES = { ENTERPRISE: '企业', BANK: '金融机构', BUREAU: '主管部门', ADMIN: '平台管理员' };
  const ADMIN_DEFAULT_REGION = '440882';
  const STORE_KEY = 'xyd.dashboard.session';
  const DASH = '—';
  const LEVEL_LENGTHS = [2, 4, 6, 9];
  const COLORS = { demand: '#2f6fb3', disbursed: '#2e8b57', ratio: '#c77d12', league: '#b3261e' };

  /** [IndicatorRow field, label, display rule] in three cards. */
  const FIGURE_GROUPS = [
    {
      title: '主体与数据质量',
      figures: [
        ['existingSubjects', '存续主体', 'int'],
        ['registeredSubjects', '注册主体', 'int'],
        ['verifiedSubjects', '实名认证主体', 'int'],
        ['registrationRate', '注册率', 'ratio'],
        ['erroneousCodeRate', '重错码率', 'ratio'],
      ],
    },
    {
      title: '融资对接成效',
      figures: [
        ['demandsPosted', '融资需求', 'int'],
        ['demandAmount', '需求金额', 'money'],
        ['disbursedCount', '放款笔数', 'int'],
        ['disbursedAmount', '放款金额', 'money'],
        ['loanObtainingSubjects', '获贷主体', 'int'],
        ['loanObtainingRatio', '获贷率', 'ratio'],
        ['firstLoanSubjects', '首贷户', 'int'],
        ['creditLoanShare', '信用贷款占比', 'ratio'],
      ],
    },
    {
      title: '响应时效与异议',
      figures: [
        ['responseRate', '响应率', 'ratio'],
        ['medianResponseHours', '响应时长中位数', 'hours'],
        ['overdueResponses', '超时未响应', 'int'],
        ['openObjections', '未办结异议', 'int'],
        ['overdueObjections', '逾期异议', 'int'],
      ],
    },
    {
      // Natural persons are not 存续主体: the figures above leave them out and this card shows them beside.
      title: '自然人（单列统计）',
      figures: [
        ['persons.registered', '注册自然人', 'int'],
        ['persons.verified', '已核实自然人', 'int'],
        ['persons.disbursedCount', '放款笔数', 'int'],
        ['persons.disbursedAmount', '放款金额', 'money'],
        ['persons.borrowers', '获贷自然人', 'int'],
      ],
    },
  ];
  const FIGURES = FIGURE_GROUPS.flatMap((g) => g.figures);

  /** The GraphQL selection of figure paths: `a`, `persons.b`, `persons.c` → `a persons { b c }`. */
  function selection(paths) {
    const nested = new Map();
    const flat = [];
    for (const path of paths) {
      const [head, ...rest] = path.split('.');
      if (rest.length === 0) {
        flat.push(head);
      } else {
        if (!nested.has(head)) nested.set(head, []);
        nested.get(head).push(rest.join('.'));
      }
    }
    return [...flat, ...[...nested].map(([head, inner]) => `${head} { ${selection(inner)} }`)].join(' ');
  }

  /** The value at a dotted figure path. */
  const valueAt = (object, path) => path.split('.').reduce((o, key) => (o == null ? o : o[key]), object);

  const LOGIN = `mutation Login($i: LoginInput!) {
    login(input: $i) { accessToken user { email role institution { name regionCode } } } }`;
  const LOGOUT = 'mutation Logout { logout }';
  const TOTALS = `query Totals($i: IndicatorQuery!) {
    indicators(input: $i) { regionCode definitionsVersion totals { ${selection(FIGURES.map((f) => f[0]))} } } }`;
  const MONTHS = `query Months($i: IndicatorQuery!) {
    indicators(input: $i) { rows { key label demandsPosted disbursedCount disbursedAmount } } }`;
  const RANKING = `query Ranking($i: IndicatorQuery!) {
    indicators(input: $i) { rows { key label existingSubjects loanObtainingSubjects loanObtainingRatio
      disbursedCount disbursedAmount } } }`;
  const LEAGUE = `query League($i: IndicatorQuery!) {
    bankLeague(input: $i) { bank { id name } respondedDemands respondedWithinSla slaBreaches medianResponseHours
      disbursedCount disbursedAmount } }`;
  const REGION = 'query Region($c: String!) { region(code: $c) { code name fullName } }';
  const REGIONS = 'query Regions($p: String) { regions(parentCode: $p) { code name level } }';

  // ---------------------------------------------------------------- formatting (the display rules above)

  /** Fen (分) of a Money string such as "1500000.00", or null. */
  function fenOf(money) {
    const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(money).trim());
    if (!m) return null;
    const fen = Number(m[2]) * 100 + Number((m[3] || '').padEnd(2, '0'));
    return m[1] === '-' ? -fen : fen;
  }

  /** A Money string as 万元 with 2 decimals, halves rounded away from zero, in integers (no float error). */
  function wan(money) {
    const fen = fenOf(money);
    if (fen === null) return DASH;
    const hundredths = Math.floor((Math.abs(fen) + 5000) / 10000);
    const text = `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}万元`;
    return fen < 0 && hundredths > 0 ? `-${text}` : text;
  }

  const missing = (v) => v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));

  const FORMAT = {
    int: (v) => (missing(v) ? DASH : String(v)),
    ratio: (v) => (missing(v) ? DASH : `${(v * 100).toFixed(2)}%`),
    money: (v) => (missing(v) ? DASH : wan(v)),
    hours: (v) => (missing(v) ? DASH : `${v.toFixed(1)}小时`),
  };

  // ---------------------------------------------------------------- period

  /** The last 12 whole months in Asia/Shanghai (UTC+8 all year: no daylight saving since 1991). */
  function lastTwelveMonths(now) {
    const local = new Date(now.getTime() + 8 * 3600 * 1000);
    const year = local.getUTCFullYear();
    const month = local.getUTCMonth();
    const day = (y, m, d) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
    const months = [];
    for (let back = 12; back >= 1; back -= 1) {
      const d = new Date(Date.UTC(year, month - back, 1));
      months.push({ key: d.toISOString().slice(0, 7), year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 });
    }
    return { from: day(year, month - 12, 1), to: day(year, month, 1), last: day(year, month, 0), months };
  }

  const PERIOD = lastTwelveMonths(new Date());

  // ---------------------------------------------------------------- DOM helpers

  const $ = (id) => document.getElementById(id);
  let svgNs = null; // the namespace the HTML parser gave the page's <svg> elements
  let picker = [];

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(svgNs, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setState(state, message) {
    document.body.dataset.state = state;
    $('status').textContent = message || '';
    document.body.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
  }

  function showMessage(node, message) {
    node.textContent = message;
    node.hidden = !message;
  }

  // ---------------------------------------------------------------- GraphQL

  class DeskError extends Error {
    constructor(message, code) {
      super(message);
      this.code = code || null;
    }
  }

  async function gql(query, variables, token) {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch('/graphql', {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables: variables || {} }),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (_) {
      throw new DeskError('无法连接服务器，请检查网络后重试');
    }
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    const first = body && Array.isArray(body.errors) ? body.errors[0] : null;
    if (first) throw new DeskError(first.message || '请求失败，请稍后重试', first.extensions && first.extensions.code);
    if (!response.ok || !body || !body.data) throw new DeskError(`请求失败（HTTP ${response.status}），请稍后重试`);
    return body.data;
  }

  // ---------------------------------------------------------------- session

  const session = { token: null, user: null };
  const desk = { region: '', seq: 0 };

  function saveSession() {
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(session));
    } catch (_) {
      // Storage may be disabled: the session then lives in memory only.
    }
  }

  function restoreSession() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
      if (saved && saved.token && saved.user && ALLOWED_ROLES.includes(saved.user.role)) {
        session.token = saved.token;
        session.user = saved.user;
        return true;
      }
    } catch (_) {
      // A damaged entry: start from the login form.
    }
    return false;
  }

  function clearSession() {
    session.token = null;
    session.user = null;
    try {
      sessionStorage.removeItem(STORE_KEY);
    } catch (_) {
      // Nothing stored.
    }
  }

  /** Back to the form, with an error or (`notice`) a plain message. */
  function showLogin(message, notice) {
    desk.seq += 1; // answers still in flight are dropped
    $('desk').hidden = true;
    $('who').hidden = true;
    $('login-view').hidden = false;
    $('login-error').classList.toggle('notice', Boolean(notice));
    showMessage($('login-error'), message || '');
    setState('login', '');
  }

  async function onLogin(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const email = form.elements.email.value.trim();
    const password = form.elements.password.value;
    const error = $('login-error');
    error.classList.remove('notice');
    showMessage(error, '');
    if (!email || !password) {
      showMessage(error, '请输入邮箱和密码');
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    setState('loading', '正在登录…');
    try {
      const data = await gql(LOGIN, { i: { email, password } });
      const { accessToken, user } = data.login;
      if (!ALLOWED_ROLES.includes(user.role)) {
        gql(LOGOUT, {}, accessToken).catch(() => {});
        showMessage(error, `${ROLE_NAMES[user.role] || '该'}账号无权查看监测看板：仅限信用主管部门和平台管理员。`);
        setState('login', '');
        return;
      }
      if (user.role === 'BUREAU' && !user.institution) {
        showMessage(error, '该账号未关联主管部门，无法确定辖区，请联系平台管理员。');
        setState('login', '');
        return;
      }
      session.token = accessToken;
      session.user = user;
      saveSession();
      form.reset();
      await openDesk();
    } catch (e) {
      showMessage(error, e.message);
      setState('login', '');
    } finally {
      button.disabled = false;
    }
  }

  function onLogout() {
    const token = session.token;
    clearSession();
    showLogin('已退出登录。', true);
    if (token) gql(LOGOUT, {}, token).catch(() => {});
  }

  // ---------------------------------------------------------------- the desk

  async function openDesk() {
    const user = session.user;
    $('login-view').hidden = true;
    $('desk').hidden = false;
    $('who').hidden = false;
    const who = user.institution ? user.institution.name : user.email;
    $('who-name').textContent = `${who}（${ROLE_NAMES[user.role] || user.role}）`;
    renderPeriod();
    buildFigures();
    if (user.role === 'ADMIN') {
      $('region-picker').hidden = false;
      setState('loading', '正在加载区划…');
      await initPicker(ADMIN_DEFAULT_REGION);
    } else {
      $('region-picker').hidden = true;
      desk.region = user.institution ? user.institution.regionCode : '';
    }
    await load();
  }

  function renderPeriod() {
    const node = $('period');
    const first = PERIOD.months[0];
    const last = PERIOD.months[PERIOD.months.length - 1];
    node.textContent =
      `统计期间：${first.year}年${first.month}月至${last.year}年${last.month}月` +
      `（${PERIOD.from} 至 ${PERIOD.last}，近12个完整月，北京时间）`;
    node.dataset.from = PERIOD.from;
    node.dataset.to = PERIOD.to;
  }

  function buildFigures() {
    const root = $('figures');
    if (root.childElementCount) return;
    for (const group of FIGURE_GROUPS) {
      const card = el('section', { class: 'card group' });
      card.append(el('h3', {}, group.title));
      const list = el('dl');
      for (const [field, label] of group.figures) {
        const item = el('div', { class: 'figure' });
        item.append(el('dt', {}, label), el('dd', { 'data-indicator': field }));
        list.append(item);
      }
      card.append(list);
      root.append(card);
    }
  }

  function clearFigures() {
    for (const node of document.querySelectorAll('[data-indicator]')) {
      node.textContent = '';
      node.removeAttribute('title');
    }
  }

  function renderFigures(totals) {
    for (const [field, label, rule] of FIGURES) {
      const node = document.querySelector(`[data-indicator="${field}"]`);
      const value = valueAt(totals, field);
      const text = FORMAT[rule](value);
      node.textContent = text;
      node.title = rule === 'money' && !missing(value) ? `${label}：${value} 元` : `${label}：${text}`;
    }
  }

  async function regionTitle(code) {
    if (!code) return '全国';
    try {
      const data = await gql(REGION, { c: code }, session.token);
      return data.region ? data.region.fullName : `区划代码 ${code}`;
    } catch (_) {
      return `区划代码 ${code}`;
    }
  }

  async function load() {
    desk.seq += 1;
    const seq = desk.seq;
    const region = desk.region;
    const input = { from: PERIOD.from, to: PERIOD.to, regionCode: region || null };
    const token = session.token;
    clearFigures();
    resetCharts();
    showMessage($('desk-error'), '');
    setState('loading', '加载中…');
    const title = regionTitle(region);
    try {
      const [totals, months, ranking, league] = await Promise.all([
        gql(TOTALS, { i: input }, token),
        gql(MONTHS, { i: { ...input, groupBy: 'MONTH' } }, token),
        // A town has no lower level to rank.
        region.length >= 9 ? Promise.resolve(null) : gql(RANKING, { i: { ...input, groupBy: 'REGION' } }, token),
        gql(LEAGUE, { i: input }, token),
      ]);
      const name = await title;
      if (seq !== desk.seq) return;
      $('region-title').textContent = name;
      document.title = `${name} · 信易贷融资监测看板`;
      renderFigures(totals.indicators.totals);
      drawMonthly(months.indicators.rows);
      drawRanking(ranking ? ranking.indicators.rows : null);
      drawLeague(league.bankLeague);
      $('footnote').textContent =
        `指标口径 ${totals.indicators.definitionsVersion}；统计期间按北京时间划分，` +
        `截至 ${PERIOD.last} 24 时。金额单位：万元（四舍五入至两位小数）。`;
      setState('ready', `数据已更新（${clock(new Date())}）`);
    } catch (e) {
      if (seq !== desk.seq) return;
      if (e.code === 'UNAUTHENTICATED') {
        clearSession();
        showLogin('登录已失效，请重新登录。');
        return;
      }
      $('region-title').textContent = await title;
      showMessage($('desk-error'), e.message);
      setState('error', '');
    }
  }

  function clock(d) {
    const two = (n) => String(n).padStart(2, '0');
    return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  }

  // ---------------------------------------------------------------- the admin's region picker

  function fillSelect(select, regions, allLabel) {
    select.replaceChildren(el('option', { value: '' }, allLabel));
    for (const r of regions) select.append(el('option', { value: r.code }, r.name));
    select.disabled = regions.length === 0;
  }

  async function loadLevel(level, parentCode) {
    const data = await gql(REGIONS, { p: parentCode || null }, session.token);
    fillSelect(picker[level], data.regions, level === 0 ? '全国' : '全部');
  }

  async function initPicker(code) {
    picker.forEach((select, level) => fillSelect(select, [], level === 0 ? '全国' : '全部'));
    showMessage($('picker-error'), '');
    try {
      await loadLevel(0, null);
      for (let level = 0; level < LEVEL_LENGTHS.length; level += 1) {
        const part = code.slice(0, LEVEL_LENGTHS[level]);
        if (code.length < LEVEL_LENGTHS[level]) break;
        picker[level].value = part;
        if (picker[level].value !== part) break;
        if (level + 1 < LEVEL_LENGTHS.length) await loadLevel(level + 1, part);
      }
    } catch (e) {
      showMessage($('picker-error'), `区划列表加载失败：${e.message}`);
    }
    desk.region = code;
  }

  async function onPick(event) {
    const level = Number(event.target.dataset.level);
    const value = event.target.value;
    for (let lower = level + 1; lower < picker.length; lower += 1) fillSelect(picker[lower], [], '全部');
    desk.region = value || (level > 0 ? picker[level - 1].value : '');
    showMessage($('picker-error'), '');
    const work = [load()];
    if (value && level + 1 < picker.length) {
      work.push(loadLevel(level + 1, value).catch((e) => showMessage($('picker-error'), `区划列表加载失败：${e.message}`)));
    }
    await Promise.all(work);
  }

  // ---------------------------------------------------------------- charts (hand-drawn SVG)

  const chart = (name) => document.querySelector(`svg[data-chart="${name}"]`);

  function resetCharts() {
    for (const svg of document.querySelectorAll('svg[data-chart]')) {
      svg.replaceChildren();
      svg.removeAttribute('data-ready');
    }
    document.querySelector('#league-table tbody').replaceChildren();
  }

  function begin(svg, width, height, title) {
    svg.replaceChildren();
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('preserveAspectRatio', 'xMidYMin meet');
    svg.append(svgEl('title', {}, title));
  }

  function finish(svg) {
    svg.setAttribute('data-ready', 'true');
  }

  function emptyChart(svg, width, height, title, text) {
    begin(svg, width, height, title);
    svg.append(svgEl('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'empty' }, text || '暂无数据'));
    finish(svg);
  }

  /** Round ticks from 0 to at least `max`: about four steps of 1, 2 or 5 × 10^n (whole steps for counts). */
  function ticks(max, whole) {
    const raw = max > 0 ? max / 4 : 1;
    const exp = Math.pow(10, Math.floor(Math.log10(raw)));
    let step = [1, 2, 5, 10].map((m) => m * exp).find((s) => s >= raw) || 10 * exp;
    if (whole) step = Math.max(1, Math.round(step));
    const count = Math.max(1, Math.ceil(max / step - 1e-9));
    const list = [];
    for (let i = 0; i <= count; i += 1) list.push(i * step);
    return { top: count * step, list };
  }

  function bar(attrs, fill, tip) {
    const rect = svgEl('rect', { ...attrs, fill, class: 'bar' });
    rect.append(svgEl('title', {}, tip));
    return rect;
  }

  function shorten(text, max) {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }

  function drawMonthly(rows) {
    const svg = chart('monthlyTrend');
    const title = '月度趋势：每月融资需求笔数与放款笔数';
    const W = 600;
    const H = 300;
    const L = 44;
    const R = 12;
    const T = 40;
    const B = 50;
    const byKey = new Map((rows || []).map((r) => [r.key, r]));
    const data = PERIOD.months.map((m) => {
      const r = byKey.get(m.key);
      return { ...m, demands: r ? r.demandsPosted : 0, disbursed: r ? r.disbursedCount : 0, amount: r ? r.disbursedAmount : '0' };
    });
    if (!data.some((d) => d.demands > 0 || d.disbursed > 0)) {
      emptyChart(svg, W, H, title);
      return;
    }
    begin(svg, W, H, title);
    const plotW = W - L - R;
    const plotH = H - T - B;
    const { top, list } = ticks(Math.max(...data.map((d) => Math.max(d.demands, d.disbursed))), true);
    const y = (v) => T + plotH - (v / top) * plotH;
    const grid = svgEl('g', { class: 'grid' });
    const labels = svgEl('g', {});
    for (const v of list) {
      grid.append(svgEl('line', { x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      labels.append(svgEl('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, String(Math.round(v))));
    }
    svg.append(grid, labels);
    const axis = svgEl('g', { class: 'axis' });
    axis.append(svgEl('line', { x1: L, x2: L, y1: T, y2: T + plotH }));
    axis.append(svgEl('line', { x1: L, x2: W - R, y1: T + plotH, y2: T + plotH }));
    svg.append(axis);
    svg.append(svgEl('text', { x: 4, y: T - 14, class: 'axis-title' }, '笔数'));
    svg.append(svgEl('text', { x: W - R, y: H - 4, 'text-anchor': 'end', class: 'axis-title' }, '月份'));
    // Legend.
    const legend = svgEl('g', {});
    legend.append(svgEl('rect', { x: W - R - 190, y: 8, width: 10, height: 10, fill: COLORS.demand }));
    legend.append(svgEl('text', { x: W - R - 176, y: 17 }, '融资需求（笔）'));
    legend.append(svgEl('rect', { x: W - R - 86, y: 8, width: 10, height: 10, fill: COLORS.disbursed }));
    legend.append(svgEl('text', { x: W - R - 72, y: 17 }, '放款（笔）'));
    svg.append(legend);
    const slot = plotW / data.length;
    const width = Math.min(16, slot * 0.34);
    data.forEach((d, i) => {
      const cx = L + slot * i + slot / 2;
      const when = `${d.year}年${d.month}月`;
      if (d.demands > 0) {
        svg.append(bar({ x: cx - width - 1, y: y(d.demands), width, height: T + plotH - y(d.demands) }, COLORS.demand,
          `${when} 融资需求 ${d.demands} 笔`));
      }
      if (d.disbursed > 0) {
        svg.append(bar({ x: cx + 1, y: y(d.disbursed), width, height: T + plotH - y(d.disbursed) }, COLORS.disbursed,
          `${when} 放款 ${d.disbursed} 笔，${wan(d.amount)}`));
      }
      svg.append(svgEl('text', { x: cx, y: T + plotH + 16, 'text-anchor': 'middle' }, `${d.month}月`));
      if (i === 0 || d.month === 1) {
        svg.append(svgEl('text', { x: cx, y: T + plotH + 30, 'text-anchor': 'middle', class: 'axis-title' }, `${d.year}年`));
      }
    });
    finish(svg);
  }

  /** Ratio first (null last), then disbursed amount, then code: a stable ranking. */
  function byRatioThenAmount(a, b) {
    const ratio = (r) => (missing(r.loanObtainingRatio) ? -1 : r.loanObtainingRatio);
    return ratio(b) - ratio(a) || (fenOf(b.disbursedAmount) || 0) - (fenOf(a.disbursedAmount) || 0) || a.key.localeCompare(b.key);
  }

  function drawRanking(rows) {
    const svg = chart('regionRanking');
    const title = '辖区排名：按获贷率、放款金额（前21名）';
    const W = 600;
    if (rows === null) {
      emptyChart(svg, W, 300, title, '乡镇（街道）无下级区划可排名');
      return;
    }
    const ranked = [...rows].sort(byRatioThenAmount).slice(0, 21);
    if (!ranked.length) {
      emptyChart(svg, W, 300, title);
      return;
    }
    const byRatio = ranked.some((r) => r.loanObtainingRatio > 0);
    const value = (r) => (byRatio ? r.loanObtainingRatio || 0 : (fenOf(r.disbursedAmount) || 0) / 1e6);
    const rowH = 21;
    const T = 12;
    const B = 46;
    const L = 128;
    const R = 170;
    const H = T + B + rowH * ranked.length;
    begin(svg, W, Math.max(H, 160), title);
    const plotW = W - L - R;
    const { top, list } = ticks(Math.max(...ranked.map(value)), false);
    const x = (v) => L + (v / top) * plotW;
    const bottom = T + rowH * ranked.length;
    const grid = svgEl('g', { class: 'grid' });
    const labels = svgEl('g', {});
    for (const v of list) {
      grid.append(svgEl('line', { x1: x(v), x2: x(v), y1: T, y2: bottom }));
      const text = byRatio ? `${Number((v * 100).toFixed(1))}%` : String(Number(v.toFixed(2)));
      labels.append(svgEl('text', { x: x(v), y: bottom + 14, 'text-anchor': 'middle' }, text));
    }
    svg.append(grid, labels);
    const axis = svgEl('g', { class: 'axis' });
    axis.append(svgEl('line', { x1: L, x2: L, y1: T, y2: bottom }));
    axis.append(svgEl('line', { x1: L, x2: L + plotW, y1: bottom, y2: bottom }));
    svg.append(axis);
    svg.append(svgEl('text', { x: L + plotW / 2, y: bottom + 34, 'text-anchor': 'middle', class: 'axis-title' },
      byRatio ? '获贷率（获贷主体 ÷ 存续主体）' : '放款金额（万元）'));
    ranked.forEach((r, i) => {
      const y0 = T + i * rowH;
      const name = r.label || r.key;
      svg.append(svgEl('text', { x: L - 6, y: y0 + rowH / 2 + 4, 'text-anchor': 'end' }, `${i + 1}. ${shorten(name, 9)}`));
      const w = Math.max(0, x(value(r)) - L);
      const tip = `${name}：获贷率 ${FORMAT.ratio(r.loanObtainingRatio)}，获贷主体 ${r.loanObtainingSubjects} 户，` +
        `存续主体 ${FORMAT.int(r.existingSubjects)} 户，放款 ${r.disbursedCount} 笔 ${wan(r.disbursedAmount)}`;
      svg.append(bar({ x: L, y: y0 + 4, width: w, height: rowH - 8 }, COLORS.ratio, tip));
      svg.append(svgEl('text', { x: L + w + 6, y: y0 + rowH / 2 + 4, class: 'value' },
        `${FORMAT.ratio(r.loanObtainingRatio)} · ${wan(r.disbursedAmount)}`));
    });
    finish(svg);
  }

  function drawLeague(rows) {
    const svg = chart('bankLeague');
    const body = document.querySelector('#league-table tbody');
    const title = '银行榜单：按放款金额排名';
    const W = 460;
    const ranked = [...(rows || [])].sort(
      (a, b) =>
        (fenOf(b.disbursedAmount) || 0) - (fenOf(a.disbursedAmount) || 0) ||
        b.disbursedCount - a.disbursedCount ||
        a.bank.name.localeCompare(b.bank.name, 'zh-CN'),
    );
    body.replaceChildren();
    if (!ranked.length) {
      const tr = el('tr');
      tr.append(el('td', { colspan: 8, class: 'empty' }, '暂无数据'));
      body.append(tr);
      emptyChart(svg, W, 200, title);
      return;
    }
    ranked.forEach((r, i) => {
      const tr = el('tr', { 'data-bank': r.bank.name });
      const onTime = r.respondedDemands > 0 ? r.respondedWithinSla / r.respondedDemands : null;
      const cells = [
        ['rank', String(i + 1)],
        ['bank', r.bank.name],
        ['disbursedCount', FORMAT.int(r.disbursedCount)],
        ['disbursedAmount', FORMAT.money(r.disbursedAmount)],
        ['respondedDemands', FORMAT.int(r.respondedDemands)],
        ['onTimeRate', FORMAT.ratio(onTime)],
        ['slaBreaches', FORMAT.int(r.slaBreaches)],
        ['medianResponseHours', FORMAT.hours(r.medianResponseHours)],
      ];
      for (const [field, text] of cells) tr.append(el('td', { 'data-field': field }, text));
      body.append(tr);
    });
    const shown = ranked.slice(0, 12);
    const rowH = 24;
    const T = 10;
    const B = 42;
    const L = 128;
    const R = 86;
    const bottom = T + rowH * shown.length;
    begin(svg, W, Math.max(bottom + B, 160), title);
    const plotW = W - L - R;
    const amount = (r) => (fenOf(r.disbursedAmount) || 0) / 1e6;
    const { top, list } = ticks(Math.max(...shown.map(amount)), false);
    const x = (v) => L + (v / top) * plotW;
    const grid = svgEl('g', { class: 'grid' });
    const labels = svgEl('g', {});
    for (const v of list) {
      grid.append(svgEl('line', { x1: x(v), x2: x(v), y1: T, y2: bottom }));
      labels.append(svgEl('text', { x: x(v), y: bottom + 14, 'text-anchor': 'middle' }, String(Number(v.toFixed(2)))));
    }
    svg.append(grid, labels);
    const axis = svgEl('g', { class: 'axis' });
    axis.append(svgEl('line', { x1: L, x2: L, y1: T, y2: bottom }));
    axis.append(svgEl('line', { x1: L, x2: L + plotW, y1: bottom, y2: bottom }));
    svg.append(axis);
    svg.append(svgEl('text', { x: L + plotW / 2, y: bottom + 34, 'text-anchor': 'middle', class: 'axis-title' }, '放款金额（万元）'));
    shown.forEach((r, i) => {
      const y0 = T + i * rowH;
      svg.append(svgEl('text', { x: L - 6, y: y0 + rowH / 2 + 4, 'text-anchor': 'end' }, shorten(r.bank.name, 10)));
      const w = Math.max(0, x(amount(r)) - L);
      const tip = `${r.bank.name}：放款 ${r.disbursedCount} 笔 ${wan(r.disbursedAmount)}，超时 ${r.slaBreaches} 次`;
      svg.append(bar({ x: L, y: y0 + 5, width: w, height: rowH - 10 }, COLORS.league, tip));
      svg.append(svgEl('text', { x: L + w + 6, y: y0 + rowH / 2 + 4, class: 'value' }, wan(r.disbursedAmount)));
    });
    finish(svg);
  }

  // ---------------------------------------------------------------- start

  function init() {
    svgNs = document.querySelector('svg[data-chart]').namespaceURI;
    picker = [0, 1, 2, 3].map((level) => $(`sel-${level}`));
    $('login-form').addEventListener('submit', onLogin);
    $('logout').addEventListener('click', onLogout);
    for (const select of picker) select.addEventListener('change', (event) => {
      onPick(event).catch((e) => showMessage($('desk-error'), e.message));
    });
    if (restoreSession()) {
      openDesk().catch((e) => {
        showMessage($('desk-error'), e.message);
        setState('error', '');
      });
    } else {
      showLogin('');
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
