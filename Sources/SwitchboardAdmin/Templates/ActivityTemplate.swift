/// The activity log: deliveries filtered by status, destination, subscription, event name and time, paged.
enum ActivityTemplate {
    static let template = #"""
    {{#notice}}<p class="notice ok" role="status">{{notice}}</p>{{/notice}}
    <form method="get" action="/admin/activity" class="filters">
      <label for="status">Status</label>
      <select id="status" name="status"><option value="">any</option>{{#statuses}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/statuses}}</select>
      <label for="destination">Destination id</label>
      <input id="destination" name="destination" value="{{destination}}">
      <label for="subscription">Subscription id</label>
      <input id="subscription" name="subscription" value="{{subscription}}">
      <label for="event">Event name</label>
      <input id="event" name="event" value="{{event}}">
      <label for="since">Since (UTC)</label>
      <input id="since" name="since" type="datetime-local" value="{{since}}">
      <label for="until">Until (UTC)</label>
      <input id="until" name="until" type="datetime-local" value="{{until}}">
      <button type="submit">Filter</button>
    </form>
    {{#canEdit}}{{#hasFailed}}
    <form method="post" action="/admin/activity/retry-failed" class="actions">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <input type="hidden" name="destination" value="{{destination}}">
      <input type="hidden" name="subscription" value="{{subscription}}">
      <input type="hidden" name="event" value="{{event}}">
      <input type="hidden" name="since" value="{{since}}">
      <input type="hidden" name="until" value="{{until}}">
      <button type="submit">Retry all failed shown by this filter</button>
    </form>
    {{/hasFailed}}{{/canEdit}}
    {{#hasRows}}
    <table>
      <thead><tr><th scope="col">Delivery</th><th scope="col">Created</th><th scope="col">Event id</th><th scope="col">Destination</th><th scope="col">Status</th><th scope="col">Last response</th><th scope="col">Attempts</th></tr></thead>
      <tbody>
      {{#rows}}
      <tr><td><a href="/admin/activity/{{id}}">{{id}}</a></td><td><time datetime="{{created.iso}}" title="{{created.text}}">{{created.text}}</time></td><td>{{eventId}}</td><td><a href="/admin/destinations/{{destinationId}}">{{destinationName}}</a></td><td><span class="status {{statusClass}}">{{status}}</span></td><td>{{lastResponse}}</td><td>{{attemptCount}}</td></tr>
      {{/rows}}
      </tbody>
    </table>
    {{#next}}<p><a href="{{next}}">Next page</a></p>{{/next}}
    {{/hasRows}}
    {{^hasRows}}<p class="empty">No deliveries match. Deliveries appear here when events reach a subscribed destination; widen the filter or send a test event from a destination.</p>{{/hasRows}}
    """#
}
