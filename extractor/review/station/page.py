"""The review station's single page (plain HTML + JavaScript, no external resources)."""

PAGE = r"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Review station</title>
<style>
body{font:14px/1.4 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;color:#222}
header{background:#243b53;color:#fff;padding:6px 12px;display:flex;gap:12px;align-items:center}
header a{color:#cde}
#filters{padding:6px 12px;background:#f0f4f8;display:flex;gap:8px;flex-wrap:wrap;align-items:center}
#main{display:flex;height:calc(100vh - 80px)}
#list{width:34%;overflow:auto;border-right:1px solid #ccc}
#list div.it{padding:4px 8px;border-bottom:1px solid #eee;cursor:pointer;font-size:12px}
#list div.it.sel{background:#fff3c4}
#view{flex:1;overflow:auto;padding:10px 16px}
.st{display:inline-block;padding:0 5px;border-radius:3px;color:#fff;font-size:11px}
.invalid{background:#c62828}.review{background:#ef6c00}.ok{background:#2e7d32}.missing{background:#888}
.accepted{background:#1565c0}.corrected{background:#8e24aa}.unreadable{background:#555}.error{background:#000}
#crop{max-width:100%;border:1px solid #aaa;display:block;margin:6px 0}
table.kv td{padding:2px 8px;vertical-align:top}table.kv td:first-child{color:#666;white-space:nowrap}
#answer{font-size:18px;width:60%;padding:4px}
#msg{color:#c62828;font-weight:bold;min-height:1.2em}
#okmsg{color:#2e7d32}
.keys{color:#666;font-size:12px}
table.rel{border-collapse:collapse}table.rel td,table.rel th{border:1px solid #ccc;padding:2px 6px;font-size:12px}
#docview{display:flex;gap:12px}#docvals{width:45%;font-size:12px}#docpages img{max-width:100%;border:1px solid #999;margin-bottom:8px}
#docvals tr.sel{background:#fff3c4}
</style></head>
<body>
<header><b>Review station</b><span id="stats"></span>
<label>reviewer <input id="reviewer" size="10"></label><a href="#" id="toqueue">queue</a></header>
<div id="filters">
 <select id="f-state"><option value="todo">to do</option><option value="done">decided</option><option value="all">all</option></select>
 <select id="f-package"></select><select id="f-template"></select><select id="f-table"></select>
 <select id="f-status"></select><select id="f-category"></select>
</div>
<div id="main"><div id="list"></div><div id="view"><p>Loading…</p></div></div>
<script>
"use strict";
const FACETS=["package","template","table","status","category"];
let token=sessionStorage.getItem("reviewToken")||"";
const u=new URL(location.href);
if(u.searchParams.get("token")){token=u.searchParams.get("token");sessionStorage.setItem("reviewToken",token);
  u.searchParams.delete("token");history.replaceState(null,"",u.pathname+u.search+u.hash);}
const rv=document.getElementById("reviewer");rv.value=localStorage.getItem("reviewer")||"reviewer";
rv.onchange=()=>localStorage.setItem("reviewer",rv.value.trim()||"reviewer");
let items=[],cur=-1,curItem=null,filters={state:"todo"};
function esc(s){return String(s==null?"":s).replace(/[&<>"']/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"})[c]);}
function show(v){return v==null?"—":(Array.isArray(v)?v.join("；"):(typeof v==="object"?JSON.stringify(v):String(v)));}
async function api(path,opts){opts=opts||{};opts.headers=Object.assign({"X-Review-Token":token,
  "X-Reviewer":encodeURIComponent(rv.value.trim()||"reviewer")},opts.headers||{});
  const r=await fetch(path,opts);let body=null;
  if((r.headers.get("content-type")||"").includes("json"))body=await r.json();
  return {ok:r.ok,status:r.status,body:body,resp:r};}
async function img(path,el){const r=await fetch(path,{headers:{"X-Review-Token":token}});
  if(!r.ok){const b=await r.json().catch(()=>({error:r.status}));el.replaceWith(Object.assign(document.createElement("p"),{className:"keys",textContent:b.error}));return;}
  el.src=URL.createObjectURL(await r.blob());}
function post(path,body){return api(path,{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify(body)});}
async function loadQueue(keepId){
  const q=new URLSearchParams();for(const k in filters)if(filters[k])q.set(k,filters[k]);
  const r=await api("/api/queue?"+q);if(!r.ok){document.getElementById("view").innerHTML="<p id=msg>"+esc(r.body&&r.body.error)+"</p>";return;}
  items=r.body.items;
  document.getElementById("stats").textContent=r.body.total+" item(s), "+r.body.values+" value(s)";
  for(const f of FACETS){const s=document.getElementById("f-"+f);const c=r.body.counts[f];
    s.innerHTML='<option value="">'+f+': all</option>'+Object.keys(c).map(k=>'<option value="'+esc(k)+'"'+(filters[f]===k?" selected":"")+">"+esc(k||"(top)")+" ("+c[k]+")</option>").join("");}
  const l=document.getElementById("list");
  l.innerHTML=items.map((it,i)=>'<div class="it" data-i="'+i+'"><span class="st '+esc(it.status)+'">'+esc(it.decided||it.status)+"</span> "+
    '<span class="keys">'+esc(it.category)+"</span> "+esc(it.file)+"<br>"+esc(it.where)+" → <b>"+esc(show(it.value))+"</b></div>").join("");
  l.querySelectorAll("div.it").forEach(d=>d.onclick=()=>select(+d.dataset.i));
  return keepId;}
function mark(){document.querySelectorAll("#list div.it").forEach(d=>d.classList.toggle("sel",+d.dataset.i===cur));
  const s=document.querySelector("#list div.it.sel");if(s)s.scrollIntoView({block:"nearest"});}
async function select(i){if(!items.length){cur=-1;document.getElementById("view").innerHTML="<p>Nothing to review with these filters.</p>";return;}
  cur=Math.max(0,Math.min(i,items.length-1));mark();await openItem(items[cur].item_id);}
async function openItem(id,msg){
  const r=await api("/api/items/"+encodeURIComponent(id));const v=document.getElementById("view");
  if(!r.ok){v.innerHTML="<p id=msg>"+esc(r.body.error)+"</p>";return;}
  const it=curItem=r.body;location.hash="item="+it.item_id;
  let h='<div><span class="st '+esc(it.status)+'" id="status">'+esc(it.status)+"</span> "+esc(it.file)+
    ' · <a href="#doc='+esc(it.doc_id)+(it.locator?"&item="+esc(it.item_id):"")+'" id="doclink">document view</a></div>';
  h+="<h3>"+esc(it.where)+"</h3>";
  if(it.has_box)h+='<img id="crop" alt="page crop">';
  else if(it.locator!=="nf")h+='<p class="keys">No page image ('+esc(it.source_format||"")+"): the row as read is below.</p>";
  h+='<table class="kv"><tr><td>raw</td><td id="raw">'+esc(it.raw)+"</td></tr><tr><td>value</td><td id=\"value\"><b>"+esc(show(it.value))+"</b> "+esc(it.unit||"")+
    "</td></tr><tr><td>type</td><td>"+esc(it.type||"")+"</td></tr><tr><td>confidence</td><td>"+esc(it.confidence)+"</td></tr><tr><td>reasons</td><td id=\"reasons\">"+
    (it.reasons||[]).map(esc).join("<br>")+"</td></tr>"+(it.decided?"<tr><td>decided</td><td>"+esc(it.decided)+" by "+esc(it.reviewer)+" (was "+esc(show(it.old_value))+", "+esc(it.old_status)+")</td></tr>":"")+"</table>";
  if(it.related&&it.related.length)h+="<h4>Values involved</h4><table class=\"rel\" id=\"related\"><tr><th></th><th>row</th><th>column</th><th>raw</th><th>value</th><th>status</th></tr>"+
    it.related.map(x=>"<tr><td>"+esc(x.why)+"</td><td>"+esc(x.row_label)+"</td><td>"+esc(x.column_label)+"</td><td>"+esc(x.raw)+"</td><td>"+esc(show(x.value))+" "+esc(x.unit||"")+'</td><td><span class="st '+esc(x.status)+'">'+esc(x.status)+"</span></td></tr>").join("")+"</table>";
  if(it.places)h+="<h4>"+it.places.length+" place(s)</h4><ul>"+it.places.slice(0,200).map(p=>"<li>"+esc(p.where)+' <span class="keys">'+esc((p.reasons||[]).join("; "))+"</span></li>").join("")+"</ul>";
  h+='<p><input id="answer" autocomplete="off" placeholder="type the value as on paper, Enter saves; empty Enter accepts"></p><div id="msg">'+esc(msg&&msg.err||"")+'</div><div id="okmsg">'+esc(msg&&msg.ok||"")+"</div>";
  h+='<p class="keys">Enter accept · type + Enter correct · u unreadable · j/k next/previous · z undo · Esc clear</p>';
  v.innerHTML=h;if(it.has_box)img("/api/items/"+encodeURIComponent(it.item_id)+"/crop.png",document.getElementById("crop"));
  const a=document.getElementById("answer");a.focus();a.onkeydown=onKey;}
async function decide(action,value){
  const it=curItem;const r=await post("/api/items/"+encodeURIComponent(it.item_id),{action:action,value:value,version:it.version});
  if(!r.ok){document.getElementById("msg").textContent=r.body.error;return;}
  const idx=cur;await loadQueue();
  if(filters.state==="todo"){await select(Math.min(idx,items.length-1));}else{cur=items.findIndex(x=>x.item_id===it.item_id);mark();await openItem(it.item_id);}
  const ok=document.getElementById("okmsg");if(ok)ok.textContent="saved: "+action+" "+(value||"")+" ("+it.where+")";}
async function undo(){const r=await post("/api/undo",{});
  if(!r.ok){document.getElementById("msg").textContent=r.body.error;return;}
  await loadQueue();cur=items.findIndex(x=>x.item_id===r.body.item_id);mark();await openItem(r.body.item_id,{ok:"undone"});}
function onKey(e){const a=e.target;const empty=a.value==="";
  if(e.key==="Enter"){e.preventDefault();if(empty)decide("accept");else decide("correct",a.value);return;}
  if(e.key==="Escape"){a.value="";return;}
  if(!empty||e.ctrlKey||e.metaKey||e.altKey)return;
  if(e.key==="j"){e.preventDefault();select(cur+1);}else if(e.key==="k"){e.preventDefault();select(cur-1);}
  else if(e.key==="u"){e.preventDefault();decide("unreadable");}else if(e.key==="z"){e.preventDefault();undo();}}
async function openDoc(id,sel){
  const r=await api("/api/docs/"+encodeURIComponent(id));const v=document.getElementById("view");
  if(!r.ok){v.innerHTML="<p id=msg>"+esc(r.body.error)+"</p>";return;}
  const d=r.body;let h="<h3>"+esc(d.file)+' <span class="st '+esc(d.status)+'">'+esc(d.status)+"</span> "+esc(d.template)+"</h3>"+
    (d.warnings||[]).map(w=>'<p class="keys">'+esc(w)+"</p>").join("")+'<div id="docview"><div id="docvals"><table class="rel">'+
    "<tr><th>table / row / column</th><th>raw</th><th>value</th><th>status</th><th>p.</th></tr>"+
    d.values.map(x=>'<tr data-id="'+esc(x.item_id)+'"'+(x.item_id===sel?' class="sel"':"")+"><td>"+esc([x.table,x.row_label,x.column_label].filter(Boolean).join(" / "))+"</td><td>"+esc(x.raw)+"</td><td>"+esc(show(x.value))+" "+esc(x.unit||"")+
      '</td><td><span class="st '+esc(x.status)+'">'+esc(x.status)+"</span></td><td>"+esc(x.page||"")+"</td></tr>").join("")+'</table></div><div id="docpages"></div></div>';
  v.innerHTML=h;const pages=document.getElementById("docpages");
  if(d.has_images){for(let p=1;p<=d.pages;p++){const im=document.createElement("img");im.alt="page "+p;pages.appendChild(im);
    img("/api/docs/"+encodeURIComponent(id)+"/pages/"+p+".png"+(sel?"?item="+encodeURIComponent(sel):""),im);}}
  else pages.innerHTML='<p class="keys">A '+esc(d.format)+" file has no page images: the values as read are on the left.</p>";
  const s=document.querySelector("#docvals tr.sel");if(s)s.scrollIntoView({block:"center"});}
for(const f of ["state"].concat(FACETS)){document.getElementById("f-"+f).onchange=async e=>{filters[f]=e.target.value;await loadQueue();await select(0);};}
document.getElementById("toqueue").onclick=async e=>{e.preventDefault();location.hash="";await loadQueue();await select(Math.max(cur,0));};
(async()=>{if(!token){document.getElementById("view").innerHTML="<p id=msg>Open the address the server printed (it carries ?token=…).</p>";return;}
  await loadQueue();const hp=new URLSearchParams(location.hash.slice(1));
  if(hp.get("doc"))return openDoc(hp.get("doc"),hp.get("item"));
  const i=hp.get("item")?items.findIndex(x=>x.item_id===hp.get("item")):0;await select(i<0?0:i);})();
window.addEventListener("hashchange",()=>{const hp=new URLSearchParams(location.hash.slice(1));if(hp.get("doc"))openDoc(hp.get("doc"),hp.get("item"));});
</script></body></html>
"""
