/// The panel's one script, served from the binary: pages work without it; with it, times read in
/// the browser's zone, the UTC time kept on hover.
enum AdminScript {
    static let javascript = #"""
    document.querySelectorAll("time[datetime]").forEach(function (time) {
      var date = new Date(time.getAttribute("datetime"));
      if (isNaN(date.getTime())) return;
      if (!time.title) time.title = time.textContent;
      time.textContent = date.toLocaleString();
    });
    """#
}
