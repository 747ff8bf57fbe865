/// Sign in with an API key.
enum SignInTemplate {
    static let template = #"""
    {{#error}}<p class="notice error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="/admin/sign-in" class="card narrow">
      <label for="key">API key</label>
      <input id="key" name="key" type="password" autocomplete="current-password" required>
      <p class="hint">Any API key of this server (<code>sbk_…</code>). Its role decides what you may change.</p>
      <button type="submit">Sign in</button>
    </form>
    """#
}
