/// Connectors: the list, and one connector's install form made from its parameters.
enum ConnectorsTemplate {
    static let template = #"""
    <table>
      <thead><tr><th scope="col">Connector</th><th scope="col">Platform</th><th scope="col">What it installs</th></tr></thead>
      <tbody>{{#rows}}<tr><td><a href="/admin/connectors/{{name}}">{{name}}</a></td><td>{{platform}}</td><td>{{description}}</td></tr>{{/rows}}</tbody>
    </table>
    """#
}

enum ConnectorTemplate {
    static let template = #"""
    <p>{{description}} ({{platform}})</p>
    {{#hasInstalled}}
    <section class="notice ok" role="status">
      <p>Installed:</p>
      <ul>{{#installed}}<li>{{kind}} <a href="{{link}}">{{name}}</a></li>{{/installed}}</ul>
    </section>
    {{/hasInstalled}}
    {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
    {{#canEdit}}
    <form method="post" action="/admin/connectors/{{name}}" class="card form">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <fieldset>
        <legend>Parameters</legend>
        {{#fields}}
        {{#checkbox}}<label class="check"><input type="checkbox" name="{{name}}" value="on"{{#checked}} checked{{/checked}}> {{name}}: {{description}}</label>{{/checkbox}}
        {{#input}}<label for="p-{{name}}">{{name}}{{#required}} (required){{/required}}: {{description}}{{#hint}} ({{hint}}){{/hint}}</label>
        <input id="p-{{name}}" name="{{name}}" type="{{type}}" value="{{value}}"{{#required}} required{{/required}}{{#hasError}} aria-invalid="true" aria-describedby="p-{{name}}-error"{{/hasError}}>{{/input}}
        {{#textarea}}<label for="p-{{name}}">{{name}}{{#required}} (required){{/required}}: {{description}} (JSON)</label>
        <textarea id="p-{{name}}" name="{{name}}" rows="4">{{value}}</textarea>{{/textarea}}
        {{#hasChoices}}<label for="p-{{name}}">{{name}}: {{description}}</label>
        <select id="p-{{name}}" name="{{name}}">{{#choices}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/choices}}</select>{{/hasChoices}}
        {{#hasError}}<p class="field-error" id="p-{{name}}-error">{{error}}</p>{{/hasError}}
        {{/fields}}
      </fieldset>
      <button type="submit" class="primary">Install</button>
      <a href="/admin/connectors">Cancel</a>
    </form>
    {{/canEdit}}
    {{^canEdit}}<p class="empty">Installing needs an editor or admin key.</p>{{/canEdit}}
    """#
}
