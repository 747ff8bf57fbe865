/// Keys and workspaces (admins only).
enum KeysTemplate {
    static let template = #"""
    {{#notice}}<p class="notice ok" role="status">{{notice}}</p>{{/notice}}
    {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
    {{#secret}}
    <section class="card" role="status">
      <h2>New key: {{name}}</h2>
      <p>Copy it now: it is shown only this once.</p>
      <p><code class="secret">{{key}}</code></p>
    </section>
    {{/secret}}
    <form method="get" action="/admin/keys" class="filters">
      <label for="workspace">Workspace</label>
      <select id="workspace" name="workspace">{{#workspaces}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/workspaces}}</select>
      <button type="submit">Show its keys</button>
    </form>
    <h2>Keys of {{workspaceName}}</h2>
    <table>
      <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Revoke</span></th></tr></thead>
      <tbody>{{#keys}}<tr><td>{{name}}{{#current}} (this session){{/current}}</td><td>{{role}}</td><td><time datetime="{{created.iso}}" title="{{created.text}}">{{created.text}}</time></td>
        <td><form method="post" action="/admin/keys/{{id}}/revoke"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="Revoke {{name}}">Revoke</button></form></td></tr>{{/keys}}</tbody>
    </table>
    <form method="post" action="/admin/keys" class="card form">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <input type="hidden" name="workspaceId" value="{{workspaceId}}">
      <fieldset>
        <legend>New key for {{workspaceName}}</legend>
        <label for="name">Name</label>
        <input id="name" name="name" value="{{name}}" required>
        <label for="role">Role</label>
        <select id="role" name="role">{{#roles}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/roles}}</select>
        <p class="hint">admin: everything, keys included; editor: changes resources; viewer: reads only.</p>
      </fieldset>
      <button type="submit" class="primary">Create key</button>
    </form>
    <form method="post" action="/admin/workspaces" class="card form">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <fieldset>
        <legend>New workspace (its data is apart from this one's; this key's admins manage its keys)</legend>
        <label for="workspaceName">Name</label>
        <input id="workspaceName" name="workspaceName" required>
      </fieldset>
      <button type="submit">Create workspace</button>
    </form>
    """#
}
