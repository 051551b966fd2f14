// The reload script of `nianbao serve`, added to every page it serves: reloads on a new build and
// shows the problems of a failed build over the page. __EVENTS_URL__ is replaced by the event
// stream's address, a JSON string.
(function () {
  var source = new EventSource(__EVENTS_URL__);
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("problems", function (e) { show(JSON.parse(e.data)); });
  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) el.className = cls;
    return el;
  }
  function show(problems) {
    var old = document.getElementById("nianbao-overlay");
    if (old) old.remove();
    var box = document.createElement("div");
    box.id = "nianbao-overlay";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-label", "构建失败");
    box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.92);color:#fff;font:15px/1.6 system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;padding:24px";
    var inner = document.createElement("div");
    inner.style.cssText = "max-width:960px;margin:0 auto";
    var drafts = problems.length > 0 && problems.every(function (p) { return p.draft; });
    if (drafts) box.setAttribute("aria-label", "草稿中的错误");
    var title = text("h2", drafts
      ? "草稿中有 " + problems.length + " 个错误：页面照常生成，但草稿的数字可能不对；正式发布前要改正。改正后页面会自动刷新。"
      : "构建失败：共 " + problems.length + " 个错误。下面是上一次成功构建的页面；改正后页面会自动刷新。");
    title.style.cssText = "color:#fff;border:0;margin:0 0 12px;padding:0;font-size:18px";
    inner.appendChild(title);
    problems.forEach(function (p) {
      var item = document.createElement("div");
      item.style.cssText = "background:#2b2b2b;border-left:4px solid #ff6b5b;margin:12px 0;padding:10px 14px;white-space:pre-wrap";
      var where = p.file + (p.line ? ":" + p.line + (p.column ? ":" + p.column : "") : "");
      item.appendChild(text("div", "错误[" + p.code + "]" + (p.draft ? "（草稿）" : "") + "：" + p.message));
      item.appendChild(text("div", "位置：" + where));
      if (p.label) item.appendChild(text("div", "单元格：" + p.label));
      if (p.yaml_path) item.appendChild(text("div", "YAML 路径：" + p.yaml_path));
      if (p.expected) item.appendChild(text("div", "应为：" + p.expected));
      if (p.found) item.appendChild(text("div", "实际：" + p.found));
      if (p.hint) item.appendChild(text("div", "提示：" + p.hint));
      inner.appendChild(item);
    });
    var close = text("button", "暂时关闭");
    close.onclick = function () { box.remove(); };
    inner.appendChild(close);
    box.appendChild(inner);
    document.body.appendChild(box);
  }
})();
