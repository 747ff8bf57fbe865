/// The events explorer: received events by name, user, type and time, paged.
enum EventsTemplate {
    static let template = #"""
    <form method="get" action="/admin/events" class="filters">
      <label for="name">Event name</label>
      <input id="name" name="name" value="{{name}}">
      <label for="userId">User id</label>
      <input id="userId" name="userId" value="{{userId}}">
      <label for="type">Type</label>
      <select id="type" name="type"><option value="">any</option>{{#types}}<option{{#selected}} selected{{/selected}}>{{value}}</option>{{/types}}</select>
      <label for="since">Since (UTC)</label>
      <input id="since" name="since" type="datetime-local" value="{{since}}">
      <button type="submit">Filter</button>
    </form>
    {{#hasRows}}
    <table>
      <thead><tr><th scope="col">Event</th><th scope="col">Received</th><th scope="col">Type</th><th scope="col">Name</th><th scope="col">User</th></tr></thead>
      <tbody>
      {{#rows}}<tr><td><a href="/admin/events/{{id}}">{{id}}</a></td><td><time datetime="{{received.iso}}" title="{{received.text}}">{{received.text}}</time></td><td>{{type}}</td><td>{{name}}</td><td>{{userId}}</td></tr>{{/rows}}
      </tbody>
    </table>
    {{#next}}<p><a href="{{next}}">Next page</a></p>{{/next}}
    {{/hasRows}}
    {{^hasRows}}<p class="empty">No events match. Events appear here as sources send them (a Segment SDK, a webhook source); widen the filter or send one with curl as the README shows.</p>{{/hasRows}}
    """#
}
