/// The destinations (Open Loyalty's webhooks): search, list, pages.
enum DestinationsTemplate {
    static let template = #"""
    <form method="get" action="/admin/destinations" class="filters" role="search">
      <label for="search">Search name or URL</label>
      <input id="search" name="search" type="search" value="{{search}}">
      <label for="status">Status</label>
      <select id="status" name="status"><option value="">any</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select>
      <label for="legacy">Legacy</label>
      <select id="legacy" name="legacy"><option value="">any</option>{{#legacies}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/legacies}}</select>
      <button type="submit">Search</button>
      {{#canEdit}}<a class="button primary" href="/admin/destinations/new">Add new webhook</a>{{/canEdit}}
    </form>
    {{#hasRows}}
    <table>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Active from</th><th scope="col">Legacy</th><th scope="col">Status</th><th scope="col">Success rate (day)</th></tr></thead>
      <tbody>
      {{#rows}}
      <tr>
        <td><a href="/admin/destinations/{{id}}">{{name}}</a></td>
        <td class="url">{{url}}</td>
        <td>{{#activeFrom}}<time datetime="{{iso}}" title="{{text}}">{{text}}</time>{{/activeFrom}}{{^activeFrom}}always{{/activeFrom}}</td>
        <td>{{#legacy}}Yes{{/legacy}}{{^legacy}}No{{/legacy}}</td>
        <td>{{#enabled}}<span class="status on">Enabled</span>{{/enabled}}{{^enabled}}<span class="status off">Disabled</span>{{/enabled}}</td>
        <td>{{successRate}}</td>
      </tr>
      {{/rows}}
      </tbody>
    </table>
    {{#next}}<p><a href="{{next}}">Next page</a></p>{{/next}}
    {{/hasRows}}
    {{^hasRows}}
    {{#filtered}}<p class="empty">No destination matches{{#search}} “{{search}}”{{/search}}{{^search}} these filters{{/search}}. <a href="/admin/destinations">Show all</a>.</p>{{/filtered}}
    {{^filtered}}<p class="empty">No destinations yet.{{#canEdit}} <a href="/admin/destinations/new">Add new webhook</a>: pick an event, give the URL and any headers.{{/canEdit}}</p>{{/filtered}}
    {{/hasRows}}
    """#
}
