// The survey (evaluation/public/answer.html): a question with a condition is hidden until the
// answer it depends on is given. Without this script every question shows, and the server
// drops the answers to questions that the other answers hide.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("[data-survey]");
  if (!form) return;
  const questions = Array.from(form.querySelectorAll("[data-question]"));
  const chosen = (code) =>
    Array.from(form.elements)
      .filter((input) => input.name === code && input.checked)
      .map((input) => input.value);
  const update = () => {
    const shown = new Set();
    for (const question of questions) {
      const condition = question.dataset.conditionQuestion;
      const visible =
        !condition ||
        (shown.has(condition) && chosen(condition).includes(question.dataset.conditionChoice));
      question.hidden = !visible;
      if (visible) shown.add(question.dataset.question);
    }
  };
  form.addEventListener("change", update);
  update();
});
