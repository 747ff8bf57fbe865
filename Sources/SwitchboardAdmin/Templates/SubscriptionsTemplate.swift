/// Subscriptions: which events go to which destination, under which condition.
enum SubscriptionsTemplate {
    static let template = #"""
    <form method="get" action="/admin/subscriptions" class="filters">
      <label for="destination">Destination id</label>
      <input id="destination" name="destination" value="{{destination}}">
      <button type="submit">Filter</button>
      {{#canEdit}}<a class="button primary" href="/admin/subscriptions/new{{#destination}}?destination={{destination}}{{/destination}}">Add subscription</a>{{/canEdit}}
    </form>
    {{#hasRows}}
    <table>
      <thead><tr><th scope="col">Name</th><th scope="col">Destination</th><th scope="col">Events</th><th scope="col">Condition</th><th scope="col">Format</th><th scope="col">Status</th></tr></thead>
      <tbody>
      {{#rows}}
      <tr>
        <td><a href="/admin/subscriptions/{{id}}">{{name}}</a></td>
        <td><a href="/admin/destinations/{{destinationId}}">{{destinationName}}</a></td>
        <td>{{events}}</td>
        <td><code class="condition">{{condition}}</code></td>
        <td>{{format}}</td>
        <td>{{#enabled}}<span class="status on">Enabled</span>{{/enabled}}{{^enabled}}<span class="status off">Paused</span>{{/enabled}}</td>
      </tr>
      {{/rows}}
      </tbody>
    </table>
    {{#next}}<p><a href="{{next}}">Next page</a></p>{{/next}}
    {{/hasRows}}
    {{^hasRows}}<p class="empty">No subscriptions yet.{{#canEdit}} <a href="/admin/subscriptions/new">Add one</a>: choose a destination, the events, and when and how they are sent.{{/canEdit}}</p>{{/hasRows}}
    """#
}
