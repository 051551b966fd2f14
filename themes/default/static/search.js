// The search page: Pagefind's own UI over the index in pagefind/ (made by nianbao build). Where
// the browser cannot load the index (a page opened from disk: file:// forbids the fetch and the
// WebAssembly Pagefind needs), the page says so in words instead of failing silently.
(function () {
  "use strict";
  var box = document.getElementById("search");
  var problem = document.getElementById("search-problem");
  if (!box || !problem) return;
  var bundle = new URL(box.getAttribute("data-bundle") || "pagefind/", document.baseURI).href;
  function fail(text) {
    problem.textContent = text;
    problem.hidden = false;
    box.hidden = true;
  }
  if (location.protocol === "file:") {
    fail("站内搜索需要通过网站访问（以 http:// 或 https:// 开头的网址）：直接从磁盘打开网页时，浏览器不允许加载搜索索引。请在门户网站上使用搜索，或在站点目录中运行 nianbao serve 后在浏览器中打开。其他页面从磁盘打开也都可以阅读。");
    return;
  }
  if (typeof PagefindUI === "undefined") {
    fail("站内搜索的组件没有加载成功（pagefind/pagefind-ui.js），请检查网站是否完整上传了 pagefind 文件夹。");
    return;
  }
  fetch(bundle + "pagefind-entry.json").then(function (response) {
    if (!response.ok) throw new Error(String(response.status));
    new PagefindUI({
      element: "#search",
      bundlePath: bundle,
      showSubResults: false,
      showImages: false,
      resetStyles: false
    });
  }).catch(function () {
    fail("无法加载站内搜索索引（pagefind/pagefind-entry.json），请检查网站是否完整上传了 pagefind 文件夹。");
  });
})();
