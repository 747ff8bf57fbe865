/// "Delete X?" before anything is deleted: a page of its own, so it works without JavaScript.
enum ConfirmDeleteTemplate {
    static let template = #"""
    <section class="card">
      <p><strong>{{question}}</strong></p>
      <p>{{consequence}}</p>
      <form method="post" action="{{action}}" class="actions">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit" class="danger">{{confirm}}</button>
        <a class="button" href="{{cancel}}">Cancel</a>
      </form>
    </section>
    """#
}
