/// One delivery and each of its attempts.
enum DeliveryTemplate {
    static let template = #"""
    {{#notice}}<p class="notice ok" role="status">{{notice}}</p>{{/notice}}
    <dl class="card facts">
      <dt>Status</dt><dd><span class="status {{statusClass}}">{{status}}</span></dd>
      <dt>Destination</dt><dd><a href="/admin/destinations/{{destinationId}}">{{destinationName}}</a></dd>
      <dt>Event</dt><dd>{{eventName}} ({{eventId}})</dd>
      <dt>Created</dt><dd><time datetime="{{created.iso}}" title="{{created.text}}">{{created.text}}</time></dd>
      <dt>Next attempt</dt><dd>{{#nextAttempt}}<time datetime="{{iso}}" title="{{text}}">{{text}}</time>{{/nextAttempt}}{{^nextAttempt}}none{{/nextAttempt}}</dd>
    </dl>
    {{#canEdit}}
    <form method="post" action="/admin/activity/{{id}}/retry" class="actions">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <button type="submit">Retry now</button>
    </form>
    {{/canEdit}}
    <h2>Attempts</h2>
    {{#hasAttempts}}
    <table>
      <thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">Status</th><th scope="col">Latency</th><th scope="col">Error</th><th scope="col">Response body</th></tr></thead>
      <tbody>{{#attempts}}<tr><td>{{number}}</td><td><time datetime="{{at.iso}}" title="{{at.text}}">{{at.text}}</time></td><td>{{response}}</td><td>{{durationMs}} ms</td><td>{{error}}</td><td>{{#body}}<pre>{{body}}</pre>{{/body}}{{^body}}none{{/body}}</td></tr>{{/attempts}}</tbody>
    </table>
    {{/hasAttempts}}
    {{^hasAttempts}}<p class="empty">Not attempted yet: it waits in the queue.</p>{{/hasAttempts}}
    <h2>Request</h2>
    <pre>{{requestBody}}</pre>
    """#
}
