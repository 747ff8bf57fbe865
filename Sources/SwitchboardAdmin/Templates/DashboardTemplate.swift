/// Traffic over the last hour and day, the queue, failures and switched-off destinations.
enum DashboardTemplate {
    static let template = #"""
    <section class="stats" aria-label="Traffic">
      {{#windows}}
      <div class="card stat">
        <h2>Last {{label}}</h2>
        <p><strong>{{events}}</strong> events in</p>
        <p><strong>{{deliveries}}</strong> deliveries out</p>
        <p>Success rate: <strong>{{successRate}}</strong></p>
      </div>
      {{/windows}}
      <div class="card stat">
        <h2>Queue</h2>
        <p><strong>{{pending}}</strong> deliveries pending</p>
        <p>Oldest pending: {{#oldestPending}}<time datetime="{{iso}}" title="{{text}}">{{age}} ago</time>{{/oldestPending}}{{^oldestPending}}none{{/oldestPending}}</p>
      </div>
    </section>
    {{#hasChart}}
    <h2>Deliveries in the last day, by status</h2>
    <svg class="chart" role="img" aria-label="Deliveries in the last day by status" width="640" height="{{chartHeight}}" viewBox="0 0 640 {{chartHeight}}">
      {{#bars}}
      <text x="0" y="{{textY}}" font-size="14" fill="#1f2933">{{label}}</text>
      <rect x="110" y="{{y}}" width="{{width}}" height="20" fill="{{colour}}"></rect>
      <text x="{{countX}}" y="{{textY}}" font-size="14" fill="#1f2933">{{count}}</text>
      {{/bars}}
    </svg>
    {{/hasChart}}
    <h2>Failures by destination (last day)</h2>
    {{#hasFailures}}
    <table>
      <thead><tr><th scope="col">Destination</th><th scope="col">Failed</th><th scope="col">Delivered</th></tr></thead>
      <tbody>
      {{#failures}}<tr><td><a href="/admin/destinations/{{id}}">{{name}}</a></td><td>{{failed}}</td><td>{{succeeded}}</td></tr>{{/failures}}
      </tbody>
    </table>
    {{#moreFailures}}<p>{{moreFailures}} more destinations failed: <a href="/admin/activity?status=failed">see every failed delivery</a>.</p>{{/moreFailures}}
    {{/hasFailures}}
    {{^hasFailures}}<p class="empty">No failed deliveries in the last day.</p>{{/hasFailures}}
    <h2>Disabled destinations</h2>
    {{#hasDisabled}}
    <ul>{{#disabled}}<li><a href="/admin/destinations/{{id}}">{{name}}</a>: <span class="status off">Disabled</span> {{reason}}</li>{{/disabled}}</ul>
    {{#moreDisabled}}<p><a href="/admin/destinations?status=disabled">Every disabled destination</a></p>{{/moreDisabled}}
    {{/hasDisabled}}
    {{^hasDisabled}}<p class="empty">Every destination is enabled.</p>{{/hasDisabled}}
    {{^hasDestinations}}<p class="empty">No destinations yet. <a href="/admin/destinations/new">Add a destination</a> to start sending webhooks.</p>{{/hasDestinations}}
    """#
}
