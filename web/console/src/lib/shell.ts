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

/**
 * requestsScript is the small inline script index.html runs first, at the
 * top of <head> (before the stylesheet, which holds back any script after
 * it): for a signed-in user opening the certificate list it sends the
 * page's first requests, GETs to addresses (the build computes them from
 * firstpage.ts), with the session's token, and leaves their answers in
 * window.__certsvcEarly for the transport (early.ts). The list's data is
 * then on its way while the console's JavaScript loads. Not when the
 * address hands over a new session (#session=, see adoptHandoff): those
 * would carry the old token.
 */
export function requestsScript(addresses: string[]): string {
  return `(function(){try{var p=location.pathname,k=localStorage.getItem("certsvc.token");if(!k||(p!=="/"&&p!=="/certificates")||location.hash.indexOf("#session=")===0)return;var U=${JSON.stringify(addresses)},E={token:k,responses:{}};for(var i=0;i<U.length;i++){var f=fetch(U[i],{headers:{Authorization:"Bearer "+k},redirect:"error"});f.catch(function(){});E.responses[U[i]]=f}window.__certsvcEarly=E}catch(e){}})()`;
}
