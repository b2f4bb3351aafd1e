// "Repeat" in the appointment form (_Repeat.cshtml): while at most one weekday is ticked, the tick follows the chosen
// date, so the booked day stays the repeated one. Several ticked days are the therapist's choice and stay as they are.
(() => {
  const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  document.addEventListener('change', (event) => {
    const date = event.target;
    if (!(date instanceof HTMLInputElement) || date.id !== 'appointment-date' || !date.form) return;
    const boxes = [...date.form.querySelectorAll('input[name="weekdays"]')];
    if (boxes.length === 0 || boxes.filter((b) => b.checked).length > 1) return;
    const day = new Date(`${date.value}T12:00:00`);
    if (Number.isNaN(day.getTime())) return;
    boxes.forEach((b) => { b.checked = b.value === days[day.getDay()]; });
  });
})();
