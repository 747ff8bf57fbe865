/// The event-type catalogue.
enum EventTypesTemplate {
    static let template = #"""
    {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
    {{#hasRows}}
    <table>
      <thead><tr><th scope="col">Name</th><th scope="col">Legacy type</th><th scope="col">Description</th><th scope="col">Example or schema</th>{{#canEdit}}<th scope="col"><span class="visually-hidden">Remove</span></th>{{/canEdit}}</tr></thead>
      <tbody>{{#rows}}<tr><td>{{name}}</td><td><code>{{legacy}}</code></td><td>{{description}}</td><td>{{#schema}}<pre>{{schema}}</pre>{{/schema}}</td>
        {{#canEdit}}<td><form method="post" action="/admin/event-types/delete"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="name" value="{{name}}"><button type="submit" aria-label="Remove {{name}}">Remove</button></form></td>{{/canEdit}}</tr>{{/rows}}</tbody>
    </table>
    {{/hasRows}}
    {{^hasRows}}<p class="empty">The catalogue is empty.{{#canEdit}} Add the event names your sources send below.{{/canEdit}}</p>{{/hasRows}}
    {{#canEdit}}
    <form method="post" action="/admin/event-types" class="card form">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <fieldset>
        <legend>Add an event type</legend>
        <label for="name">Name</label>
        <input id="name" name="name" value="{{name}}" required>
        <label for="description">Description</label>
        <input id="description" name="description" value="{{description}}">
        <label for="schema">Example or JSON Schema (optional, a JSON object)</label>
        <textarea id="schema" name="schema" rows="5">{{schema}}</textarea>
      </fieldset>
      <button type="submit" class="primary">Add</button>
    </form>
    {{/canEdit}}
    """#
}
