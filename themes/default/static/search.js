// The search page: Pagefind's own UI over the index in pagefind/ (made by nianbao build). The index
// is one Pagefind bundle per report year (pagefind/<year>/, listed newest first in
// pagefind/nianbao-years.json): the newest year is Pagefind's primary index, the older years are
// merged into it, so one search covers every year, and the results can be narrowed to a year
// (the 年度 filter). Where the browser cannot load the index (a page opened from disk: file://
// forbids the fetch and the WebAssembly Pagefind needs), the page says so in words instead of
// failing silently.
(function () {
  "use strict";
  var box = document.getElementById("search");
  var problem = document.getElementById("search-problem");
  if (!box || !problem) return;
  var bundle = new URL(box.getAttribute("data-bundle") || "pagefind/", document.baseURI).href;
  var missing = "请检查网站是否完整上传了 pagefind 文件夹。";
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
    fail("站内搜索的组件没有加载成功（pagefind/pagefind-ui.js），" + missing);
    return;
  }
  fetch(bundle + "nianbao-years.json").then(function (response) {
    if (!response.ok) throw new Error(String(response.status));
    return response.json();
  }).then(function (list) {
    var years = list && list.years;
    if (!Array.isArray(years)) throw new Error("years");
    if (years.length === 0) {
      fail("网站上还没有可以搜索的年报。");
      return;
    }
    var folders = years.map(function (year) { return bundle + year + "/"; });
    // Each year's entry file must be there before Pagefind starts: a missing one would stop it
    // without a word.
    return Promise.all(folders.map(function (folder) {
      return fetch(folder + "pagefind-entry.json").then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
      });
    })).then(function () {
      new PagefindUI({
        element: "#search",
        bundlePath: bundle,
        basePath: folders[0],
        mergeIndex: folders.slice(1).map(function (folder) { return { bundlePath: folder }; }),
        showSubResults: false,
        showImages: false,
        resetStyles: false
      });
    });
  }).catch(function () {
    fail("无法加载站内搜索索引（pagefind/nianbao-years.json 及各年度的索引），" + missing);
  });
})();
