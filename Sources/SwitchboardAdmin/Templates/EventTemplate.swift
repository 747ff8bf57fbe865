/// One event as received, and the deliveries it made.
enum EventTemplate {
    static let template = #"""
    <dl class="card facts">
      <dt>Name</dt><dd>{{name}}</dd>
      <dt>Type</dt><dd>{{type}}</dd>
      <dt>User</dt><dd>{{userId}}</dd>
      <dt>Source</dt><dd>{{sourceId}}</dd>
      <dt>Received</dt><dd><time datetime="{{received.iso}}" title="{{received.text}}">{{received.text}}</time></dd>
    </dl>
    <h2>Message</h2>
    <pre>{{message}}</pre>
    <h2>Deliveries</h2>
    {{#hasDeliveries}}
    <table>
      <thead><tr><th scope="col">Delivery</th><th scope="col">Created</th><th scope="col">Destination</th><th scope="col">Status</th><th scope="col">Last response</th><th scope="col">Attempts</th></tr></thead>
      <tbody>{{#deliveries}}<tr><td><a href="/admin/activity/{{id}}">{{id}}</a></td><td><time datetime="{{created.iso}}" title="{{created.text}}">{{created.text}}</time></td><td><a href="/admin/destinations/{{destinationId}}">{{destinationId}}</a></td><td><span class="status {{statusClass}}">{{status}}</span></td><td>{{lastResponse}}</td><td>{{attemptCount}}</td></tr>{{/deliveries}}</tbody>
    </table>
    {{/hasDeliveries}}
    {{^hasDeliveries}}<p class="empty">No subscription took this event. Subscribe a destination to "{{name}}" (or to every event) to send events like it.</p>{{/hasDeliveries}}
    """#
}
