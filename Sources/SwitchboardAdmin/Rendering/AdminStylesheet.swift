/// The panel's one stylesheet, served from the binary at /admin/assets/admin.css.
enum AdminStylesheet {
    static let css = #"""
    :root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --bg: #f7f9fb; --accent: #2458a6; --ok: #1f7a4d; --bad: #b42318; --wait: #8a5a00; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
    .top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
    .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
    nav a { margin-right: 1rem; color: var(--accent); text-decoration: none; }
    nav a[aria-current="page"] { font-weight: 700; text-decoration: underline; }
    .signout { margin-left: auto; display: flex; gap: .5rem; align-items: center; }
    .who { color: var(--muted); }
    main { max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
    h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
    h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
    a { color: var(--accent); }
    a:focus, button:focus, input:focus, select:focus { outline: 3px solid #9ab8e6; outline-offset: 1px; }
    table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
    th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { background: #eef2f7; font-weight: 600; }
    .url { word-break: break-all; }
    .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
    .narrow { max-width: 420px; }
    .stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 1rem; }
    .stat h2 { margin-top: 0; }
    .form fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: .5rem 1rem 1rem; }
    label { display: block; margin-top: .6rem; font-weight: 600; }
    label.check { font-weight: 400; }
    input, select { font: inherit; padding: .35rem .5rem; border: 1px solid #9aa5b1; border-radius: 4px; width: 100%; max-width: 36rem; }
    input[type="checkbox"] { width: auto; }
    .row { display: flex; gap: 1rem; }
    .row label { flex: 1; }
    .filters { display: flex; gap: .5rem; align-items: end; flex-wrap: wrap; margin-bottom: 1rem; }
    .filters label { margin: 0; }
    .filters input, .filters select { width: auto; }
    button, .button { font: inherit; padding: .4rem .9rem; border: 1px solid #9aa5b1; border-radius: 4px; background: #fff; color: var(--ink); cursor: pointer; text-decoration: none; display: inline-block; }
    .primary { background: var(--accent); border-color: var(--accent); color: #fff; }
    .danger { background: var(--bad); border-color: var(--bad); color: #fff; }
    .actions { display: flex; gap: .5rem; flex-wrap: wrap; margin: 1rem 0; }
    .hint { color: var(--muted); font-size: .9rem; margin: .2rem 0; }
    .field-error { color: var(--bad); margin: .2rem 0; font-weight: 600; }
    .field-error::before { content: "Error: "; }
    [aria-invalid="true"] { border-color: var(--bad); }
    .notice { padding: .6rem .8rem; border-radius: 4px; border: 1px solid var(--line); background: #fff; }
    .notice.error { border-color: var(--bad); color: var(--bad); }
    .notice.ok { border-color: var(--ok); color: var(--ok); }
    .status { font-weight: 600; }
    .status::before { content: "● "; }
    .status.on { color: var(--ok); }
    .status.off { color: var(--bad); }
    .status.wait { color: var(--wait); }
    .empty { color: var(--muted); background: #fff; border: 1px dashed var(--line); padding: 1rem; border-radius: 6px; }
    .facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
    .facts dt { font-weight: 600; }
    .facts dd { margin: 0; }
    pre { background: #f1f4f8; padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; max-height: 24rem; }
    code.secret { word-break: break-all; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    """#
}
