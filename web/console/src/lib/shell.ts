import { translate, type Locale } from "./i18n";

/**
 * shellScript is the small inline script index.html runs before the console's
 * JavaScript arrives (vite.config.ts puts it after <div id="root">). For a
 * signed-in user opening the certificate list (the page a sign-in lands on)
 * it draws the page's frame at once: the header, the list's heading and a
 * loading line, in the user's language. The console replaces it with the page on
 * its first render. Anywhere else, or without a session, it draws nothing.
 * It picks the language as detectLocale does (saved choice, then the
 * browser's languages, else English).
 */
export function shellScript(): string {
  const text = Object.fromEntries(
    (["en", "ru"] as Locale[]).map((l) => [l, { brand: translate(l, "app.title"), title: translate(l, "certs.title"), loading: translate(l, "common.loading") }]),
  );
  return `(function(){try{var p=location.pathname;if(!localStorage.getItem("certsvc.token")||(p!=="/"&&p!=="/certificates"))return;var T=${JSON.stringify(text)};var l=localStorage.getItem("certsvc.locale");if(l!=="en"&&l!=="ru"){l="en";var ls=navigator.languages||[navigator.language];for(var i=0;i<ls.length;i++){var x=String(ls[i]).toLowerCase();if(x.indexOf("ru")===0){l="ru";break}if(x.indexOf("en")===0)break}}var m=T[l],r=document.getElementById("root");if(!r||r.firstChild)return;document.documentElement.lang=l;r.innerHTML='<header class="top"><a class="brand" href="/certificates"></a></header><main id="main"><h1></h1><p role="status" class="muted"></p></main>';r.querySelector("a").textContent=m.brand;r.querySelector("h1").textContent=m.title;r.querySelector("p").textContent=m.loading}catch(e){}})()`;
}
